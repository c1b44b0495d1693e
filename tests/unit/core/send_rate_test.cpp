// SendRate and ConcurrencyLimit: their phases, and what they achieve together against a simulated
// rate-limited server in simulated time (a token bucket that refuses with 429 and Retry-After: 1).
#include "synthgen/core/send_rate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <queue>
#include <string>
#include <vector>

#include "synthgen/core/concurrency_limit.hpp"

namespace synthgen {
namespace {

using Clock = SendRate::Clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;

const Clock::time_point t0 = Clock::time_point{} + std::chrono::hours(1);

TEST(SendRate, UnlimitedUntilTheFirstRefusal) {
  SendRate rate(1);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(rate.wait_until(t0).has_value());
    rate.on_send(t0);
  }
  EXPECT_EQ(rate.phase(), SendRate::Phase::unlimited);
  EXPECT_FALSE(rate.per_second().has_value());
}

TEST(SendRate, TheFirstRefusalStartsFromWhatWasAcceptedAndProbesUp) {
  SendRate rate(1);
  for (int i = 0; i < 10; ++i) rate.on_accepted(t0 + milliseconds(1), milliseconds(1));
  rate.on_refused(t0 + milliseconds(2), t0 + milliseconds(1));
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
  EXPECT_DOUBLE_EQ(*rate.per_second(), 15.0);                             // decided at the first: 16 sent, 1 refused
}

TEST(SendRate, PacesAtItsRate) {
  SendRate rate(7);
  for (int i = 0; i < 10; ++i) rate.on_accepted(t0, milliseconds(1));
  rate.on_refused(t0, t0);  // probing from 10/s
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
  rate.on_refused(t0, t0);
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
  rate.on_refused(t0, t0);  // nothing accepted at all
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

// ------------------------------------------------------------ the simulation

struct Server {
  double per_s = 0;  // 0: no limit
  double burst = 0;
  milliseconds latency{1};
};

struct Outcome {
  double seconds = 0;
  std::size_t sent = 0;
  std::size_t refused = 0;
};

// `total` requests through a SendRate and a ConcurrencyLimit of `ceiling`, against `server`; a
// refused request is sent again after the server's Retry-After of 1 s. Event-driven, in simulated
// time, with the request loop's poll granularity of 0.1 ms.
Outcome simulate(const Server& server, std::size_t total, std::size_t ceiling, std::uint64_t seed) {
  SendRate rate(seed);
  ConcurrencyLimit limit(ceiling);
  double tokens = server.burst;
  auto refilled = t0;
  struct Answer {
    Clock::time_point at;
    Clock::time_point sent;
    bool accepted;
    bool operator>(const Answer& other) const { return at > other.at; }
  };
  std::priority_queue<Answer, std::vector<Answer>, std::greater<>> in_flight;
  std::deque<Clock::time_point> retries;  // ready times, in order (all wait the same 1 s)
  std::size_t fresh = total;
  std::size_t done = 0;
  Outcome out;
  auto now = t0;
  while (done < total) {
    // Answers that have arrived.
    while (!in_flight.empty() && in_flight.top().at <= now) {
      const auto answer = in_flight.top();
      in_flight.pop();
      if (answer.accepted) {
        if (++done == total) out.seconds = std::chrono::duration<double>(now - t0).count();
        rate.on_accepted(now, std::chrono::duration_cast<milliseconds>(now - answer.sent));
        limit.on_success();
      } else {
        ++out.refused;
        rate.on_refused(now, answer.sent);
        limit.on_overload(now, answer.sent);
        retries.push_back(now + std::chrono::seconds(1));
      }
    }
    // Sends, while the limits allow and there is work.
    std::optional<Clock::time_point> wake;
    while (in_flight.size() < limit.limit(now, rate.in_flight_needed())) {
      const bool retry_ready = !retries.empty() && retries.front() <= now;
      if (!retry_ready && fresh == 0) {
        if (!retries.empty()) wake = retries.front();
        break;
      }
      if (auto until = rate.wait_until(now)) {
        wake = *until;
        break;
      }
      rate.on_send(now);
      limit.on_send(now);
      ++out.sent;
      if (retry_ready) {
        retries.pop_front();
      } else {
        --fresh;
      }
      bool accepted = true;
      if (server.per_s > 0) {
        tokens = std::min(server.burst, tokens + server.per_s * std::chrono::duration<double>(now - refilled).count());
        refilled = now;
        accepted = tokens >= 1.0;
        if (accepted) tokens -= 1.0;
      }
      // A refusal comes back at once; an answer takes the model's time.
      in_flight.push({now + (accepted ? server.latency : std::min(server.latency, milliseconds(5))), now, accepted});
    }
    auto next = now + std::chrono::hours(1);
    if (!in_flight.empty()) next = std::min(next, in_flight.top().at);
    if (wake) next = std::min(next, *wake);
    if (auto opens = limit.opens_at()) next = std::min(next, *opens);
    now = std::max(next, now + microseconds(100));
  }
  return out;
}

struct LimitCase {
  Server server;
  std::size_t total;
};

class UnderARateLimit : public ::testing::TestWithParam<LimitCase> {};

// The goal: goodput at least 90 % of the limit, at most 5 % of requests refused.
TEST_P(UnderARateLimit, FullSpeedFewRefusals) {
  const auto& c = GetParam();
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto out = simulate(c.server, c.total, 64, seed);
    const double ideal_s = (static_cast<double>(c.total) - c.server.burst) / c.server.per_s;
    SCOPED_TRACE(::testing::Message() << "seed " << seed << ": " << out.seconds << " s (ideal " << ideal_s << "), " << out.refused << " of "
                                      << out.sent << " refused");
    EXPECT_LE(out.seconds, ideal_s / 0.9 + static_cast<double>(c.server.latency.count()) / 1000.0);
    EXPECT_LE(static_cast<double>(out.refused), 0.05 * static_cast<double>(out.sent));
  }
}

INSTANTIATE_TEST_SUITE_P(Servers, UnderARateLimit,
                         ::testing::Values(LimitCase{{100, 10, milliseconds(1)}, 1000}, LimitCase{{100, 10, milliseconds(50)}, 1000},
                                           LimitCase{{100, 10, milliseconds(300)}, 2000}, LimitCase{{100, 100, milliseconds(10)}, 2000},
                                           LimitCase{{1000, 50, milliseconds(5)}, 10000}, LimitCase{{300, 30, milliseconds(20)}, 3000}),
                         [](const ::testing::TestParamInfo<LimitCase>& info) {
                           const auto& server = info.param.server;
                           return "per_s_" + std::to_string(static_cast<int>(server.per_s)) + "_burst_" +
                                  std::to_string(static_cast<int>(server.burst)) + "_latency_" + std::to_string(server.latency.count()) +
                                  "ms";
                         });

TEST(SendRate, NoLimitNoCost) {
  // 20000 requests at 200 ms and 512 in flight: the first window costs its 25 ms grace at most.
  const auto out = simulate(Server{0, 0, milliseconds(200)}, 20000, 512, 1);
  const double floor_s = std::ceil(20000.0 / 512.0) * 0.2;
  EXPECT_LE(out.seconds, floor_s + 0.03);
  EXPECT_EQ(out.refused, 0u);
  EXPECT_EQ(out.sent, 20000u);
}

}  // namespace
}  // namespace synthgen
