// MovingRate and eta_seconds: a rate over the last window, not since the start, from fed-in times.
#include "synthgen/core/moving_rate.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

TEST(MovingRate, NoRateUntilTheSamplesSpanTheMinimum) {
  MovingRate rate(20.0, 1.0);
  EXPECT_FALSE(rate.per_second().has_value());
  rate.add(0.0, 0);
  EXPECT_FALSE(rate.per_second().has_value());
  rate.add(0.5, 50);
  EXPECT_FALSE(rate.per_second().has_value());
  rate.add(1.0, 100);
  ASSERT_TRUE(rate.per_second().has_value());
  EXPECT_DOUBLE_EQ(*rate.per_second(), 100.0);
}

TEST(MovingRate, FollowsTheLastWindowNotTheWholeRun) {
  MovingRate rate(20.0, 1.0);
  // 60 s at 10 a second, then 30 s at 100 a second: the average since the start is 40 a second.
  double count = 0;
  for (int t = 0; t <= 60; ++t) rate.add(t, count += (t > 0 ? 10 : 0));
  EXPECT_DOUBLE_EQ(*rate.per_second(), 10.0);
  for (int t = 61; t <= 90; ++t) rate.add(t, count += 100);
  EXPECT_DOUBLE_EQ(*rate.per_second(), 100.0);
}

TEST(MovingRate, SpansAWholeWindowWithAnAnchorBeforeIt) {
  MovingRate rate(10.0, 1.0);
  rate.add(0.0, 0);
  rate.add(4.0, 40);
  rate.add(15.0, 40);  // nothing done for 11 s: the anchor is the sample at 4 s, the last one before the window
  EXPECT_DOUBLE_EQ(*rate.per_second(), 0.0);
  rate.add(16.0, 140);  // 100 more in the last second: over the window from 4 s, 100 / 12 s
  EXPECT_DOUBLE_EQ(*rate.per_second(), 100.0 / 12.0);
}

TEST(MovingRate, AStallShowsAsZero) {
  MovingRate rate(20.0, 1.0);
  rate.add(0.0, 0);
  rate.add(10.0, 500);
  rate.add(40.0, 500);
  rate.add(41.0, 500);
  EXPECT_DOUBLE_EQ(*rate.per_second(), 0.0);
}

TEST(EtaSeconds, LeftOverRate) {
  EXPECT_DOUBLE_EQ(*eta_seconds(300, 10.0), 30.0);
  EXPECT_DOUBLE_EQ(*eta_seconds(0, std::nullopt), 0.0);  // nothing left: done, rate or not
  EXPECT_FALSE(eta_seconds(10, std::nullopt).has_value());
  EXPECT_FALSE(eta_seconds(10, 0.0).has_value());  // stalled: no honest estimate
}

}  // namespace
}  // namespace synthgen
