// The guard before the outputs: every sampled row decided once, in row order, and accounted for.
#include "synthgen/core/sample_ledger.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

TEST(SampleLedger, EveryRowInOrderPasses) {
  const RowSelection sample{10, {2, 5, 7}};
  SampleLedger ledger(sample);
  for (const auto i : {2u, 5u, 7u}) ledger.record(i);
  EXPECT_TRUE(ledger.check(2, 1).has_value());
}

TEST(SampleLedger, EveryRowOfASplitPasses) {
  const RowSelection all{4, {}};
  SampleLedger ledger(all);
  for (std::size_t i = 0; i < 4; ++i) ledger.record(i);
  EXPECT_TRUE(ledger.check(4, 0).has_value());
}

TEST(SampleLedger, AShortRunNamesTheFirstMissingRow) {
  const RowSelection all{1000, {}};
  SampleLedger ledger(all);
  for (std::size_t i = 0; i < 500; ++i) ledger.record(i);
  const auto checked = ledger.check(500, 0);
  ASSERT_FALSE(checked.has_value());
  EXPECT_EQ(checked.error(), "500 of the 1000 sampled rows were decided (row 500 is the first missing)");
}

TEST(SampleLedger, ARowOutOfOrderOrTwiceFails) {
  const RowSelection sample{10, {2, 5, 7}};
  SampleLedger swapped(sample);
  for (const auto i : {2u, 7u, 5u}) swapped.record(i);
  ASSERT_FALSE(swapped.check(3, 0).has_value());
  EXPECT_EQ(swapped.check(3, 0).error(), "row 7 was decided where row 5 was due");

  SampleLedger twice(sample);
  for (const auto i : {2u, 5u, 7u, 7u}) twice.record(i);
  ASSERT_FALSE(twice.check(4, 0).has_value());
  EXPECT_EQ(twice.check(4, 0).error(), "row 7 was decided after the last sampled row");
}

TEST(SampleLedger, CountsThatDoNotAddUpFail) {
  const RowSelection all{3, {}};
  SampleLedger ledger(all);
  for (std::size_t i = 0; i < 3; ++i) ledger.record(i);
  const auto checked = ledger.check(2, 0);
  ASSERT_FALSE(checked.has_value());
  EXPECT_NE(checked.error().find("do not add up to the 3 sampled rows"), std::string::npos);
}

}  // namespace
}  // namespace synthgen
