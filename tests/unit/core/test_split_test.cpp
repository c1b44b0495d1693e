// --test-size: the sizes scikit-learn would give, each class in proportion, the same split for the
// same seed whatever the order the rows come in, and every row in exactly one split.
#include "synthgen/core/test_split.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

namespace synthgen {
namespace {

// n rows whose gold labels follow `shares` (e.g. PhraseBank's 303/1391/570 of 2264).
std::vector<GoldRow> rows_with(const std::vector<std::size_t>& class_counts, std::size_t first_index = 0, std::size_t stride = 1) {
  std::vector<GoldRow> rows;
  std::size_t index = first_index;
  for (std::size_t c = 0; c < class_counts.size(); ++c) {
    for (std::size_t k = 0; k < class_counts[c]; ++k, index += stride) rows.push_back({index, static_cast<LabelId>(c)});
  }
  return rows;
}

TEST(TestSplit, ParsesAShareOrRows) {
  EXPECT_FALSE(parse_test_size("0")->on());
  EXPECT_FALSE(parse_test_size("")->on());
  EXPECT_DOUBLE_EQ(parse_test_size("0.2")->fraction, 0.2);
  EXPECT_EQ(parse_test_size(" 453 ")->rows, 453U);
  EXPECT_EQ(parse_test_size("0.2")->text(), "0.2");
  EXPECT_EQ(parse_test_size("453")->text(), "453");
  for (const char* bad : {"1.0", "1.5", "-0.2", "abc", "0.2x", "-3", "nan", "inf"}) {
    const auto size = parse_test_size(bad);
    ASSERT_FALSE(size) << bad;
    EXPECT_NE(size.error().find("--test-size must be"), std::string::npos) << size.error();
  }
}

TEST(TestSplit, SizesAsScikitLearn) {
  // The blog's 453 test sentences of 2264: ceil(0.2 * 2264) = ceil(452.8).
  EXPECT_EQ(*test_row_count(*parse_test_size("0.2"), 2264), 453U);
  EXPECT_EQ(*test_row_count(*parse_test_size("0.25"), 10), 3U);
  EXPECT_EQ(*test_row_count(*parse_test_size("7"), 10), 7U);
  EXPECT_FALSE(test_row_count(*parse_test_size("10"), 10)) << "no row left to train on";
  EXPECT_FALSE(test_row_count(*parse_test_size("0.5"), 1));
  EXPECT_NE(test_row_count(*parse_test_size("10"), 10).error().find("leaves 0 of the 10 sampled rows"), std::string::npos);
}

TEST(TestSplit, PhraseBankClassesInProportion) {
  // sentences_allagree: 303 negative, 1391 neutral, 570 positive.
  const std::vector<std::size_t> counts{303, 1391, 570};
  const auto per_class = test_rows_per_class(counts, 453);
  EXPECT_EQ(per_class, (std::vector<std::size_t>{61, 278, 114}));
  EXPECT_EQ(per_class[0] + per_class[1] + per_class[2], 453U);
}

TEST(TestSplit, PropertiesOverManyShapes) {
  std::mt19937_64 gen(7);  // only to draw the cases; the split itself uses core/random
  for (int round = 0; round < 300; ++round) {
    const auto classes = 2 + gen() % 4;
    std::vector<std::size_t> counts(classes);
    std::size_t n = 0;
    for (auto& c : counts) n += (c = gen() % 40);
    if (n < 2) continue;
    const auto fraction = 0.05 + static_cast<double>(gen() % 90) / 100.0;
    const TestSize size{fraction, 0};
    const auto expected = test_row_count(size, n);
    auto rows = rows_with(counts, gen() % 1000, 1 + gen() % 3);
    const auto test = choose_test_rows(rows, classes, size, round);
    ASSERT_EQ(test.has_value(), expected.has_value());
    if (!test) continue;
    ASSERT_EQ(test->size(), *expected) << "sizes exact";
    EXPECT_EQ(*expected, static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(n))));
    // Per class within 1 of proportional.
    const std::set<std::size_t> in_test(test->begin(), test->end());
    EXPECT_EQ(in_test.size(), test->size()) << "no row twice";
    std::vector<std::size_t> taken(classes);
    for (const auto& row : rows) taken[row.gold] += in_test.contains(row.index);
    for (std::size_t c = 0; c < classes; ++c) {
      const auto proportional = static_cast<double>(counts[c]) * static_cast<double>(*expected) / static_cast<double>(n);
      EXPECT_LE(std::abs(static_cast<double>(taken[c]) - proportional), 1.0) << "class " << c << " of round " << round;
    }
    // Every test row is a sampled row; the train split is the rest, so each row is in one split.
    for (const auto index : *test) EXPECT_TRUE(std::any_of(rows.begin(), rows.end(), [&](const GoldRow& r) { return r.index == index; }));
    // The same seed, rows in another order: the same split.
    std::shuffle(rows.begin(), rows.end(), gen);
    EXPECT_EQ(*choose_test_rows(rows, classes, size, round), *test);
  }
}

TEST(TestSplit, SeedChoosesTheRows) {
  const auto rows = rows_with({300, 1400, 570});
  const auto a = *choose_test_rows(rows, 3, {0.2, 0}, 42);
  EXPECT_EQ(*choose_test_rows(rows, 3, {0.2, 0}, 42), a);
  EXPECT_NE(*choose_test_rows(rows, 3, {0.2, 0}, 43), a);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
}

TEST(TestSplit, WholeNumberOfRows) {
  const auto rows = rows_with({5, 5});
  const auto test = *choose_test_rows(rows, 2, {0, 4}, 1);
  EXPECT_EQ(test.size(), 4U);
  EXPECT_EQ(std::count_if(test.begin(), test.end(), [](std::size_t i) { return i < 5; }), 2);
}

}  // namespace
}  // namespace synthgen
