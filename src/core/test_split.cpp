// The stratified test split: sizes as scikit-learn computes them, rows by a seeded shuffle per class.
#include "synthgen/core/test_split.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include "synthgen/core/random.hpp"
#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

// A stream of its own, apart from the sample's, the votes' and the tie-breaks' seeds.
constexpr std::uint64_t split_stream = 0x746573742d73706cULL;

}  // namespace

std::string TestSize::text() const {
  if (rows > 0) return std::to_string(rows);
  if (fraction > 0) return fmt::format("{}", fraction);
  return "0";
}

std::expected<TestSize, std::string> parse_test_size(std::string_view text) {
  const auto trimmed = trim(text);
  const auto wanted = [&] {
    return "--test-size must be a share of the sample between 0 and 1 (0.2) or a whole number of rows (453), got '" + std::string(text) +
           "'";
  };
  if (trimmed.empty() || trimmed == "0") return TestSize{};
  const auto* first = trimmed.data();
  const auto* last = first + trimmed.size();
  if (std::all_of(first, last, [](char c) { return c >= '0' && c <= '9'; })) {
    std::size_t rows = 0;
    const auto [end, ec] = std::from_chars(first, last, rows);
    if (ec != std::errc{} || end != last) return std::unexpected(wanted());
    return TestSize{0, rows};
  }
  double fraction = 0;
  const auto [end, ec] = std::from_chars(first, last, fraction);
  if (ec != std::errc{} || end != last || !(fraction > 0 && fraction < 1)) return std::unexpected(wanted());
  return TestSize{fraction, 0};
}

std::expected<std::size_t, std::string> test_row_count(const TestSize& size, std::size_t n) {
  const auto n_test = size.rows > 0 ? size.rows : static_cast<std::size_t>(std::ceil(size.fraction * static_cast<double>(n)));
  if (n_test == 0 || n_test >= n)
    return std::unexpected(
        fmt::format("--test-size {} leaves {} of the {} sampled rows for training: give a smaller test size or "
                    "a larger --n-sample",
                    size.text(), n_test >= n ? 0 : n - n_test, n));
  return n_test;
}

std::vector<std::size_t> test_rows_per_class(std::span<const std::size_t> class_counts, std::size_t n_test) {
  const auto n = std::accumulate(class_counts.begin(), class_counts.end(), std::size_t{0});
  const auto n_train = n - std::min(n_test, n);
  // Largest remainders, in whole numbers: class c's share of n_train is (count * n_train) / n.
  std::vector<std::size_t> train(class_counts.size());
  std::vector<std::size_t> remainder(class_counts.size());
  std::size_t given = 0;
  for (std::size_t c = 0; c < class_counts.size(); ++c) {
    train[c] = n == 0 ? 0 : class_counts[c] * n_train / n;
    remainder[c] = n == 0 ? 0 : class_counts[c] * n_train % n;
    given += train[c];
  }
  std::vector<std::size_t> order(class_counts.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t k = 0; given < n_train && k < order.size(); ++k, ++given) ++train[order[k]];
  std::vector<std::size_t> test(class_counts.size());
  for (std::size_t c = 0; c < class_counts.size(); ++c) test[c] = class_counts[c] - train[c];
  return test;
}

std::expected<std::vector<std::size_t>, std::string> choose_test_rows(std::span<const GoldRow> rows, std::size_t label_count,
                                                                      const TestSize& size, std::uint64_t seed) {
  const auto n_test = test_row_count(size, rows.size());
  if (!n_test) return std::unexpected(n_test.error());
  std::vector<std::vector<std::size_t>> by_class(label_count);
  for (const auto& row : rows) by_class.at(static_cast<std::size_t>(row.gold)).push_back(row.index);
  std::vector<std::size_t> class_counts;
  for (auto& members : by_class) {
    std::sort(members.begin(), members.end());
    class_counts.push_back(members.size());
  }
  const auto per_class = test_rows_per_class(class_counts, *n_test);
  std::vector<std::size_t> test;
  for (std::size_t c = 0; c < label_count; ++c) {
    auto& members = by_class[c];
    std::uint64_t state = derive_seed(seed ^ split_stream, c);
    for (std::size_t i = 0; i < per_class[c]; ++i) {  // the first per_class[c] of a Fisher-Yates shuffle
      std::swap(members[i], members[i + static_cast<std::size_t>(uniform_below(state, members.size() - i))]);
      test.push_back(members[i]);
    }
  }
  std::sort(test.begin(), test.end());
  return test;
}

}  // namespace synthgen
