// Metrics against values computed by hand (and with scikit-learn's definitions).
#include "synthgen/core/metrics.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace synthgen {
namespace {

// gold:      0 0 1 1 1 2 2 2 2 1
// predicted: 0 1 1 1 2 2 2 0 2 1
// confusion [gold][pred]: g0: 1 1 0 | g1: 0 3 1 | g2: 1 0 3
// class 0: P 1/2, R 1/2, F1 1/2
// class 1: P 3/4, R 3/4, F1 3/4
// class 2: P 3/4, R 3/4, F1 3/4
// accuracy 7/10, macro-F1 (0.5 + 0.75 + 0.75) / 3 = 2/3
const std::vector<LabeledPair> pairs{{0, 0}, {0, 1}, {1, 1}, {1, 1}, {1, 2}, {2, 2}, {2, 2}, {2, 0}, {2, 2}, {1, 1}};

TEST(Metrics, ConfusionMatrixIsGoldByPredicted) {
  const auto m = compute_metrics(pairs, 3);
  const std::vector<std::vector<std::size_t>> expected{{1, 1, 0}, {0, 3, 1}, {1, 0, 3}};
  EXPECT_EQ(m.confusion, expected);
  EXPECT_EQ(m.scored, 10u);
}

TEST(Metrics, AccuracyAndMacroF1MatchHandComputedValues) {
  const auto m = compute_metrics(pairs, 3);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.7);
  EXPECT_NEAR(m.macro_f1, 2.0 / 3.0, 1e-12);
}

TEST(Metrics, CohenKappaMatchesHandComputedValue) {
  // p_o = 0.7; gold sums 2,4,4 and predicted sums 2,4,4 over 10: p_e = .04 + .16 + .16 = 0.36;
  // kappa = (0.7 - 0.36) / 0.64 = 0.53125.
  EXPECT_NEAR(compute_metrics(pairs, 3).kappa, 0.53125, 1e-12);
  EXPECT_DOUBLE_EQ(compute_metrics(std::vector<LabeledPair>{{0, 0}, {1, 1}}, 2).kappa, 1.0);
  EXPECT_DOUBLE_EQ(compute_metrics(std::vector<LabeledPair>{{0, 0}, {0, 0}}, 2).kappa, 0.0) << "p_e = 1";
}

TEST(Metrics, PerClassScores) {
  const auto m = compute_metrics(pairs, 3);
  EXPECT_DOUBLE_EQ(m.per_class[0].precision, 0.5);
  EXPECT_DOUBLE_EQ(m.per_class[0].recall, 0.5);
  EXPECT_DOUBLE_EQ(m.per_class[1].precision, 0.75);
  EXPECT_DOUBLE_EQ(m.per_class[2].recall, 0.75);
  EXPECT_EQ(m.per_class[0].support, 2u);
  EXPECT_EQ(m.per_class[1].support, 4u);
  EXPECT_EQ(m.per_class[2].support, 4u);
}

TEST(Metrics, UnequalPrecisionAndRecall) {
  // gold 0 0 0 1, predicted 0 1 1 1: class 0 P 1 R 1/3 F1 0.5; class 1 P 1/3 R 1 F1 0.5.
  const std::vector<LabeledPair> p{{0, 0}, {0, 1}, {0, 1}, {1, 1}};
  const auto m = compute_metrics(p, 2);
  EXPECT_DOUBLE_EQ(m.per_class[0].precision, 1.0);
  EXPECT_NEAR(m.per_class[0].recall, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(m.per_class[0].f1, 0.5, 1e-12);
  EXPECT_NEAR(m.per_class[1].f1, 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.5);
}

TEST(Metrics, ClassAbsentFromGoldAndPredictionsIsLeftOutOfTheMacroMean) {
  // Only classes 0 and 2 occur: macro-F1 averages their two F1 scores (1.0 each), as scikit-learn does.
  const std::vector<LabeledPair> p{{0, 0}, {2, 2}};
  const auto m = compute_metrics(p, 3);
  EXPECT_DOUBLE_EQ(m.macro_f1, 1.0);
}

TEST(Metrics, ClassOnlyPredictedCountsWithF1Zero) {
  // gold 0 0, predicted 0 1: class 0 P 1 R 0.5 F1 2/3; class 1 P 0 R 0 F1 0 -> macro 1/3.
  const std::vector<LabeledPair> p{{0, 0}, {0, 1}};
  const auto m = compute_metrics(p, 2);
  EXPECT_NEAR(m.macro_f1, 1.0 / 3.0, 1e-12);
}

TEST(Metrics, NothingScoredIsAllZero) {
  const auto m = compute_metrics({}, 3);
  EXPECT_EQ(m.scored, 0u);
  EXPECT_EQ(m.accuracy, 0.0);
  EXPECT_EQ(m.macro_f1, 0.0);
}

}  // namespace
}  // namespace synthgen
