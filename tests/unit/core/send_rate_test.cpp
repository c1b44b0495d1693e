// SendRate and ConcurrencyLimit: their phases and rules (tests/unit/app/send_limiter_test.cpp runs
// them together, as the request loop does, against simulated servers).
#include "synthgen/core/send_rate.hpp"

#include <gtest/gtest.h>

#include "synthgen/core/concurrency_limit.hpp"
#include "test_support.hpp"

namespace synthgen {
namespace {

using Clock = SendRate::Clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using testing::clock_origin;

const Clock::time_point t0 = clock_origin;

// Five refusals at once: enough to matter to an unpaced rate.
void refuse_five(SendRate& rate, Clock::time_point now, Clock::time_point sent) {
  for (int i = 0; i < 5; ++i) rate.on_refused(now, sent);
}

TEST(SendRate, UnlimitedUntilRefusalsMatter) {
  SendRate rate(1);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(rate.wait_until(t0).has_value());
    rate.on_send(t0);
  }
  EXPECT_EQ(rate.phase(), SendRate::Phase::unlimited);
  EXPECT_FALSE(rate.per_second().has_value());
  // 80 refusals among 1000 sends in a second (8 %): a server that refuses some whatever the pace.
  for (int i = 0; i < 80; ++i) rate.on_refused(t0 + milliseconds(5), t0);
  EXPECT_EQ(rate.phase(), SendRate::Phase::unlimited);
}

TEST(SendRate, FiveOfTheFirstWindowMatter) {
  SendRate four(1);
  for (int i = 0; i < 16; ++i) four.on_send(t0);
  for (int i = 0; i < 4; ++i) four.on_refused(t0 + milliseconds(1), t0);
  EXPECT_EQ(four.phase(), SendRate::Phase::unlimited);
  four.on_refused(t0 + milliseconds(1), t0);
  EXPECT_EQ(four.phase(), SendRate::Phase::probing);
}

TEST(SendRate, TheFirstRefusalStartsFromWhatWasAcceptedAndProbesUp) {
  SendRate rate(1);
  for (int i = 0; i < 10; ++i) rate.on_accepted(t0 + milliseconds(1), milliseconds(1));
  refuse_five(rate, t0 + milliseconds(2), t0 + milliseconds(1));
  ASSERT_EQ(rate.phase(), SendRate::Phase::probing);
  EXPECT_DOUBLE_EQ(*rate.per_second(), 10.0);
  // A step lasts long enough for two sends at its rate (200 ms at 10/s), 50 ms at the least.
  (void)rate.wait_until(t0 + milliseconds(150));
  EXPECT_DOUBLE_EQ(*rate.per_second(), 10.0);
  (void)rate.wait_until(t0 + milliseconds(203));
  EXPECT_DOUBLE_EQ(*rate.per_second(), 20.0);
  (void)rate.wait_until(t0 + milliseconds(353));  // 100 ms at 20/s, then 50 ms at 40/s
  EXPECT_DOUBLE_EQ(*rate.per_second(), 80.0);
}

TEST(SendRate, TheFirstRatesCountWhatWasSentAndNotRefused) {
  SendRate rate(1);
  for (int i = 0; i < 16; ++i) rate.on_send(t0);
  for (int i = 0; i < 6; ++i) rate.on_refused(t0 + milliseconds(1), t0);  // refusals come back first
  EXPECT_DOUBLE_EQ(*rate.per_second(), 11.0);                             // decided at the fifth: 16 sent, 5 refused
}

TEST(SendRate, PacesAtItsRate) {
  SendRate rate(7);
  for (int i = 0; i < 10; ++i) rate.on_accepted(t0, milliseconds(1));
  refuse_five(rate, t0, t0);  // probing from 10/s
  auto now = t0;
  for (int sent = 0; sent < 10; ++sent) {
    while (auto until = rate.wait_until(now)) now = *until;
    rate.on_send(now);
  }
  // Ten sends at 10/s (give or take the jitter), 20/s after 200 ms, 40/s after 300 ms.
  EXPECT_GT(now - t0, milliseconds(250));
  EXPECT_LT(now - t0, milliseconds(450));
}

// Probing from 10/s to 640/s, then refused: the measurement runs at twice what was accepted.
SendRate refused_after_probing() {
  SendRate rate(3);
  for (int i = 0; i < 10; ++i) rate.on_accepted(t0, milliseconds(1));
  refuse_five(rate, t0, t0);
  (void)rate.wait_until(t0 + milliseconds(500));
  EXPECT_DOUBLE_EQ(*rate.per_second(), 640.0);
  rate.on_refused(t0 + milliseconds(500), t0 + milliseconds(499));
  EXPECT_EQ(rate.phase(), SendRate::Phase::measuring);
  EXPECT_DOUBLE_EQ(*rate.per_second(), 20.0);  // 10 accepted over the last second
  return rate;
}

TEST(SendRate, AMeasurementWithRefusalsCruisesJustUnderWhatTheServerAccepted) {
  auto rate = refused_after_probing();
  // The server accepts 16/s: 8 answers in 500 ms, and refuses a request sent during the measurement.
  rate.on_refused(t0 + milliseconds(560), t0 + milliseconds(550));
  for (int i = 1; i <= 7; ++i) rate.on_accepted(t0 + milliseconds(500 + 62 * i), milliseconds(1));
  EXPECT_EQ(rate.phase(), SendRate::Phase::measuring);
  rate.on_accepted(t0 + milliseconds(1000), milliseconds(1));
  ASSERT_EQ(rate.phase(), SendRate::Phase::cruising);
  EXPECT_NEAR(*rate.per_second(), 0.95 * 16, 0.01);
  // A refusal of a request sent before the cut is old news.
  rate.on_refused(t0 + milliseconds(1020), t0 + milliseconds(990));
  EXPECT_EQ(rate.phase(), SendRate::Phase::cruising);
  // The cruise creeps up 5 % a second.
  (void)rate.wait_until(t0 + milliseconds(3000));
  EXPECT_NEAR(*rate.per_second(), 0.95 * 16 * 1.1, 0.01);
  // A refusal of a request sent since the cut measures again.
  rate.on_refused(t0 + milliseconds(3010), t0 + milliseconds(3005));
  EXPECT_EQ(rate.phase(), SendRate::Phase::measuring);
}

TEST(SendRate, AMeasurementWithoutRefusalsProbesOn) {
  auto rate = refused_after_probing();
  for (int i = 1; i <= 8; ++i) rate.on_accepted(t0 + milliseconds(500 + 50 * i), milliseconds(1));
  EXPECT_EQ(rate.phase(), SendRate::Phase::probing);
  EXPECT_GE(*rate.per_second(), 18.0);
}

TEST(SendRate, AServerHoldIsHonoured) {
  SendRate rate(1);
  rate.hold_until(t0 + milliseconds(800));
  const auto until = rate.wait_until(t0);
  ASSERT_TRUE(until.has_value());
  EXPECT_EQ(*until, t0 + milliseconds(800));
  EXPECT_FALSE(rate.wait_until(t0 + milliseconds(800)).has_value());
}

TEST(SendRate, NeverBelowItsFloor) {
  SendRate rate(1);
  refuse_five(rate, t0, t0);  // nothing accepted at all
  EXPECT_GE(*rate.per_second(), SendRate::min_per_s);
  rate.on_refused(t0 + milliseconds(10), t0 + milliseconds(5));
  (void)rate.wait_until(t0 + milliseconds(5000));  // a measurement with no answer ends after 2 s
  EXPECT_NE(rate.phase(), SendRate::Phase::measuring);
  EXPECT_GE(*rate.per_second(), SendRate::min_per_s);
}

TEST(ConcurrencyLimit, AFirstWindowThenTheCeiling) {
  ConcurrencyLimit limit(64);
  EXPECT_EQ(limit.limit(t0), ConcurrencyLimit::first_window);
  for (std::size_t i = 1; i < ConcurrencyLimit::first_window; ++i) limit.on_success();
  EXPECT_EQ(limit.limit(t0), ConcurrencyLimit::first_window);  // one answer of the window may still be refused
  limit.on_success();
  EXPECT_EQ(limit.limit(t0), 64u);
  ConcurrencyLimit slow(64);  // a slow model: no answer, and no refusal, within the grace
  slow.on_send(t0);
  EXPECT_EQ(slow.limit(t0 + milliseconds(24)), ConcurrencyLimit::first_window);
  ASSERT_TRUE(slow.opens_at().has_value());
  EXPECT_EQ(*slow.opens_at(), t0 + ConcurrencyLimit::first_window_grace);
  EXPECT_EQ(slow.limit(t0 + milliseconds(25)), 64u);
  EXPECT_FALSE(slow.opens_at().has_value());
  ConcurrencyLimit refused(64);
  refused.on_success();
  refused.on_overload(t0, t0);
  EXPECT_EQ(refused.limit(t0), ConcurrencyLimit::first_window / 2);
  ConcurrencyLimit small(4);
  EXPECT_EQ(small.limit(t0), 4u);
}

TEST(ConcurrencyLimit, HalvesOnceARoundAndGrowsOneARound) {
  ConcurrencyLimit limit(64);
  for (std::size_t i = 0; i < ConcurrencyLimit::first_window; ++i) limit.on_success();
  limit.on_overload(t0, t0 - milliseconds(5));
  EXPECT_EQ(limit.limit(t0), 32u);
  limit.on_overload(t0 + milliseconds(1), t0 - milliseconds(4));  // sent before the cut: the same round
  EXPECT_EQ(limit.limit(t0), 32u);
  limit.on_overload(t0 + milliseconds(9), t0 + milliseconds(2));
  EXPECT_EQ(limit.limit(t0), 16u);
  for (int i = 0; i < 15; ++i) limit.on_success();
  EXPECT_EQ(limit.limit(t0), 16u);
  limit.on_success();
  EXPECT_EQ(limit.limit(t0), 17u);
  EXPECT_EQ(limit.limit(t0, 40), 40u);   // the pacing needs 40 in flight
  EXPECT_EQ(limit.limit(t0, 100), 64u);  // never above the ceiling
  for (int i = 0; i < 6; ++i) limit.on_overload(t0 + milliseconds(100 * (i + 1)), t0 + milliseconds(100 * (i + 1)));
  EXPECT_EQ(limit.limit(t0), 1u);  // never below one
  EXPECT_EQ(limit.cuts(), 8u);
}

}  // namespace
}  // namespace synthgen
