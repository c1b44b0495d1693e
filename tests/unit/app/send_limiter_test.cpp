// SendLimiter: what each kind of answer tells it, and when it holds the next vote back.
#include "synthgen/app/send_limiter.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

using Clock = SendLimiter::Clock;
using std::chrono::milliseconds;

const Clock::time_point t0 = Clock::time_point{} + std::chrono::hours(1);

HttpResponse answer(long status, milliseconds elapsed = milliseconds(5)) {
  HttpResponse r;
  r.status = status;
  r.elapsed = elapsed;
  return r;
}

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

TEST(SendLimiter, A429SetsThePaceOnceARound) {
  auto limiter = opened(64);
  limiter.on_send(t0 + milliseconds(10));
  limiter.on_send(t0 + milliseconds(10));
  EXPECT_TRUE(limiter.on_answer(answer(429, milliseconds(2)), t0 + milliseconds(12)));
  ASSERT_TRUE(limiter.pace().has_value());
  EXPECT_EQ(limiter.in_flight_limit(t0 + milliseconds(12)), 32u);
  // The second refusal of the same round changes nothing.
  EXPECT_FALSE(limiter.on_answer(answer(429, milliseconds(3)), t0 + milliseconds(13)));
  EXPECT_EQ(limiter.in_flight_limit(t0 + milliseconds(13)), 32u);
}

TEST(SendLimiter, A503OrATimeOutMeansFewerInFlightButNoPace) {
  auto limiter = opened(64);
  limiter.on_send(t0 + milliseconds(10));
  EXPECT_FALSE(limiter.on_answer(answer(503), t0 + milliseconds(20)));
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

}  // namespace
}  // namespace synthgen
