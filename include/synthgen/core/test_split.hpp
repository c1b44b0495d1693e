// --test-size: a held-out test split of the sample, stratified by gold label and seeded, as the
// notebook's `train_test_split(test_size=0.2, shuffle=True, stratify_by_column="label", seed=42)`.
// Pure: given every sampled row's index and gold label, which rows are test rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "synthgen/core/labels.hpp"

namespace synthgen {

// A share of the sample (0 < fraction < 1) or a number of rows (>= 1); neither: no split.
struct TestSize {
  double fraction = 0;
  std::size_t rows = 0;
  [[nodiscard]] bool on() const { return fraction > 0 || rows > 0; }
  // "0.2", "453", or "0" when off: as the option was given.
  [[nodiscard]] std::string text() const;
};

// "0" or "": off; a whole number: rows; else a real strictly between 0 and 1. The error says what
// is accepted.
std::expected<TestSize, std::string> parse_test_size(std::string_view text);

// Test rows of a sample of n: ceil(fraction * n) or the rows given (scikit-learn's
// _validate_shuffle_split). An error when the train or the test split would be empty.
std::expected<std::size_t, std::string> test_row_count(const TestSize& size, std::size_t n);

// How many test rows each class gives, summing to n_test. As scikit-learn's StratifiedShuffleSplit:
// the train split's counts first, in proportion to the classes by largest remainders
// (_approximate_mode), the test split taking what each class has left. So each class's count is
// within 1 of class_count * n_test / n. scikit-learn breaks equal remainders with its random state;
// here the lower class index goes first.
std::vector<std::size_t> test_rows_per_class(std::span<const std::size_t> class_counts, std::size_t n_test);

struct GoldRow {
  std::size_t index = 0;  // the row's index in the source
  LabelId gold = 0;
};

// The indices of the test rows, increasing. Each class's rows, in index order, are shuffled
// (Fisher-Yates from `seed` and the class) and the first of them are its test rows: the split does
// not depend on the order the rows are given in. scikit-learn shuffles with numpy's generator,
// so the same seed picks the same counts per class but not the same rows as the notebook.
std::expected<std::vector<std::size_t>, std::string> choose_test_rows(std::span<const GoldRow> rows, std::size_t label_count,
                                                                      const TestSize& size, std::uint64_t seed);

}  // namespace synthgen
