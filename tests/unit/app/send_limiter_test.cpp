// SendLimiter: what each kind of answer tells it, when it holds the next vote back, and what it
// achieves against simulated servers in simulated time: a token bucket that refuses with 429 and
// Retry-After: 1 (goodput, refusals), one that refuses a few whatever the pace, and none.
#include "synthgen/app/send_limiter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "synthgen/core/random.hpp"
#include "test_support.hpp"

namespace synthgen {
namespace {

using Clock = SendLimiter::Clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using testing::clock_origin;

const Clock::time_point t0 = clock_origin;

HttpResponse answer(long status, milliseconds elapsed = milliseconds(5)) { return testing::answer_with(status, elapsed); }

// A limiter whose first window has opened (16 answered), with `ceiling` in flight at most.
SendLimiter opened(std::size_t ceiling) {
  SendLimiter limiter(ceiling, 1, milliseconds(60000));
  for (int i = 0; i < 16; ++i) limiter.on_send(t0);
  for (int i = 0; i < 16; ++i) limiter.on_answer(answer(200), t0 + milliseconds(5));
  return limiter;
}

TEST(SendLimiter, AnswersCountInFlightAndLeaveThePaceAlone) {
  auto limiter = opened(64);
  EXPECT_EQ(limiter.in_flight(), 0u);
  EXPECT_EQ(limiter.in_flight_limit(t0 + milliseconds(6)), 64u);
  for (int i = 0; i < 64; ++i) limiter.on_send(t0 + milliseconds(6));
  const auto held = limiter.held_back(t0 + milliseconds(6));  // all 64 out: until one comes back
  ASSERT_TRUE(held.has_value());
  EXPECT_FALSE(limiter.pace().has_value());
  EXPECT_FALSE(limiter.on_answer(answer(200), t0 + milliseconds(10)));
  EXPECT_FALSE(limiter.held_back(t0 + milliseconds(10)).has_value());
}

TEST(SendLimiter, RefusalsThatMatterSetThePaceOnceARound) {
  SendLimiter limiter(64, 1, milliseconds(60000));
  for (int i = 0; i < 16; ++i) limiter.on_send(t0);  // the first window
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(limiter.on_answer(answer(429, milliseconds(1)), t0 + milliseconds(1)));
  EXPECT_FALSE(limiter.pace().has_value()) << "four of sixteen may be an accident";
  EXPECT_EQ(limiter.in_flight_limit(t0 + milliseconds(1)), 8u) << "three overloads of sixteen sends matter: the window halves";
  EXPECT_TRUE(limiter.on_answer(answer(429, milliseconds(1)), t0 + milliseconds(1)));
  ASSERT_TRUE(limiter.pace().has_value());
  // A refusal of the same round (sent at t0 too) changes nothing more.
  EXPECT_FALSE(limiter.on_answer(answer(429, milliseconds(2)), t0 + milliseconds(2)));
  EXPECT_EQ(limiter.in_flight_limit(t0 + milliseconds(2)), 8u);
}

TEST(SendLimiter, AFewRefusalsAmongManySendsAreRetriedNotLimited) {
  auto limiter = opened(64);
  for (int i = 0; i < 200; ++i) limiter.on_send(t0 + milliseconds(10));
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(limiter.on_answer(answer(429), t0 + milliseconds(20)));  // 5 %
  EXPECT_FALSE(limiter.pace().has_value());
  EXPECT_EQ(limiter.in_flight_limit(t0 + milliseconds(20)), 64u);
}

TEST(SendLimiter, A503OrATimeOutMeansFewerInFlightButNoPace) {
  auto limiter = opened(64);
  for (int i = 0; i < 4; ++i) limiter.on_send(t0 + milliseconds(10));  // 20 sends in the last second
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.on_answer(answer(503), t0 + milliseconds(20)));
  EXPECT_EQ(limiter.in_flight_limit(t0 + milliseconds(20)), 32u);
  EXPECT_FALSE(limiter.pace().has_value());
  auto timed_out = answer(0);
  timed_out.transport_error = "Operation timed out after 120000 milliseconds";
  timed_out.timed_out = true;
  limiter.on_send(t0 + milliseconds(30));
  limiter.on_answer(timed_out, t0 + milliseconds(40));
  EXPECT_EQ(limiter.in_flight_limit(t0 + milliseconds(40)), 16u);
  auto reset = answer(0);  // a reset connection is no sign of overload
  reset.transport_error = "Connection reset by peer";
  limiter.on_send(t0 + milliseconds(50));
  limiter.on_answer(reset, t0 + milliseconds(60));
  EXPECT_EQ(limiter.in_flight_limit(t0 + milliseconds(60)), 16u);
}

TEST(SendLimiter, ASpentBudgetHoldsEveryVoteUntilItsReset) {
  auto limiter = opened(64);
  auto last = answer(200);
  last.ratelimit_remaining_requests = "0";
  last.ratelimit_reset_requests = "250ms";
  last.ratelimit_remaining_tokens = "39870";
  last.ratelimit_reset_tokens = "6m0s";  // not spent: not waited for
  limiter.on_send(t0 + milliseconds(10));
  limiter.on_answer(last, t0 + milliseconds(20));
  const auto held = limiter.held_back(t0 + milliseconds(20));
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(*held, t0 + milliseconds(270));
  EXPECT_FALSE(limiter.held_back(t0 + milliseconds(270)).has_value());
}

TEST(SendLimiter, AHoldIsNeverLongerThanTheLongestWait) {
  SendLimiter limiter(8, 1, milliseconds(2000));
  auto spent = answer(429);
  spent.ratelimit_remaining_tokens = "0";
  spent.ratelimit_reset_tokens = "6m0s";
  limiter.on_send(t0);
  limiter.on_answer(spent, t0 + milliseconds(5));
  const auto held = limiter.held_back(t0 + milliseconds(5));
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(*held, t0 + milliseconds(2005));
}

TEST(SendLimiter, TheFirstWindowWaitsForItsGraceOrItsAnswers) {
  SendLimiter limiter(64, 1, milliseconds(60000));
  for (int i = 0; i < 16; ++i) limiter.on_send(t0);
  const auto held = limiter.held_back(t0 + milliseconds(1));
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(*held, t0 + ConcurrencyLimit::first_window_grace);  // woken when the window opens by itself
  EXPECT_FALSE(limiter.held_back(t0 + milliseconds(25)).has_value());
}

// ------------------------------------------------------------ the simulation

struct Server {
  double per_s = 0;  // 0: no limit
  double burst = 0;
  milliseconds latency{1};
  double noise = 0;  // the share it refuses whatever the pace (an overloaded model, injected faults)
};

struct Outcome {
  double seconds = 0;
  std::size_t sent = 0;
  std::size_t refused = 0;
};

// `total` requests through a SendLimiter of `ceiling` in flight, against `server`; a refused
// request is sent again after the server's Retry-After of 1 s. Event-driven, in simulated time,
// with the request loop's poll granularity of 0.1 ms.
Outcome simulate(const Server& server, std::size_t total, std::size_t ceiling, std::uint64_t seed) {
  SendLimiter limiter(ceiling, seed, milliseconds(60000));
  std::uint64_t noise_state = derive_seed(seed, 1);
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
      HttpResponse response;
      response.status = answer.accepted ? 200 : 429;
      response.elapsed = std::chrono::duration_cast<milliseconds>(now - answer.sent);
      limiter.on_answer(response, now);
      if (answer.accepted) {
        if (++done == total) out.seconds = std::chrono::duration<double>(now - t0).count();
      } else {
        ++out.refused;
        retries.push_back(now + std::chrono::seconds(1));
      }
    }
    // Sends, while the limits allow and there is work.
    std::optional<Clock::time_point> wake;
    for (;;) {
      const bool retry_ready = !retries.empty() && retries.front() <= now;
      if (!retry_ready && fresh == 0) {
        if (!retries.empty()) wake = retries.front();
        break;
      }
      if (auto until = limiter.held_back(now)) {
        wake = *until;
        break;
      }
      limiter.on_send(now);
      ++out.sent;
      if (retry_ready) {
        retries.pop_front();
      } else {
        --fresh;
      }
      bool accepted = static_cast<double>(uniform_below(noise_state, 1000)) >= server.noise * 1000;
      if (accepted && server.per_s > 0) {
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
    now = std::max(next, now + microseconds(100));
  }
  return out;
}

struct LimitCase {
  Server server;
  std::size_t total;
};

class UnderARateLimit : public ::testing::TestWithParam<LimitCase> {};

// The goal: goodput about 90 % of the limit (1000 rows in under 11.5 s at 100/s), at most 5 % of requests refused.
TEST_P(UnderARateLimit, FullSpeedFewRefusals) {
  const auto& c = GetParam();
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto out = simulate(c.server, c.total, 64, seed);
    const double ideal_s = (static_cast<double>(c.total) - c.server.burst) / c.server.per_s;
    SCOPED_TRACE(::testing::Message() << "seed " << seed << ": " << out.seconds << " s (ideal " << ideal_s << "), " << out.refused << " of "
                                      << out.sent << " refused");
    // The issue's own arithmetic: 1000 rows in under 11.5 s at 100/s (the start and the last
    // refusals' 1 s Retry-After included).
    EXPECT_LE(out.seconds, ideal_s / 0.87 + static_cast<double>(c.server.latency.count()) / 1000.0);
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

TEST(SendLimiter, NoLimitNoCost) {
  // 20000 requests at 200 ms and 512 in flight: the first window costs its 25 ms grace at most.
  const auto out = simulate(Server{0, 0, milliseconds(200)}, 20000, 512, 1);
  const double floor_s = std::ceil(20000.0 / 512.0) * 0.2;
  EXPECT_LE(out.seconds, floor_s + 0.03);
  EXPECT_EQ(out.refused, 0u);
  EXPECT_EQ(out.sent, 20000u);
}

class UnderNoise : public ::testing::TestWithParam<std::pair<Server, std::size_t>> {};

// A server that refuses a few requests whatever the pace (an overloaded model, a flaky proxy, the
// differential test's injected faults): the refusals are retried, not paced away, so the run keeps
// its speed. (At 8 % and more, some seeds still take such refusals for a limit: issue notes.)
TEST_P(UnderNoise, AFewRefusalsWhateverThePaceAreRetriedNotPaced) {
  const auto& [server, ceiling] = GetParam();
  const std::size_t total = 3000;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto out = simulate(server, total, ceiling, seed);
    SCOPED_TRACE(::testing::Message() << "seed " << seed << ": " << out.seconds << " s, " << out.refused << " of " << out.sent
                                      << " refused");
    // Unpaced, the work takes its round trips; the last refused requests come back after 1 s, a few
    // of them twice or three times.
    const double rounds_s =
        static_cast<double>(total) / static_cast<double>(ceiling) * static_cast<double>(server.latency.count()) / 1000.0;
    EXPECT_LE(out.seconds, rounds_s + 4.0);
  }
}

INSTANTIATE_TEST_SUITE_P(Servers, UnderNoise,
                         ::testing::Values(std::pair{Server{0, 0, milliseconds(1), 0.055}, std::size_t{64}},
                                           std::pair{Server{0, 0, milliseconds(1), 0.055}, std::size_t{7}},
                                           std::pair{Server{0, 0, milliseconds(20), 0.03}, std::size_t{64}}),
                         [](const ::testing::TestParamInfo<std::pair<Server, std::size_t>>& info) {
                           const auto& server = info.param.first;
                           return "latency_" + std::to_string(server.latency.count()) + "ms_noise_" +
                                  std::to_string(static_cast<int>(server.noise * 1000)) + "_permille_c" + std::to_string(info.param.second);
                         });

}  // namespace
}  // namespace synthgen
