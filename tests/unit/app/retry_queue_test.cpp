// The retry queue: waits, order, the retry limit, and votes and pages in one queue.
#include "synthgen/app/retry_queue.hpp"

#include <gtest/gtest.h>

#include <set>

namespace synthgen {
namespace {

using Clock = RetryQueue::Clock;
const SecondsUntil no_dates = [](std::string_view) -> std::optional<double> { return std::nullopt; };
const Clock::time_point t0 = Clock::time_point{} + std::chrono::hours(1);

HttpRequest request(std::uint64_t tag, std::string body = "{}") {
  HttpRequest r;
  r.tag = tag;
  r.body = std::move(body);
  return r;
}

HttpResponse status(long code, std::string retry_after = {}) {
  HttpResponse r;
  r.status = code;
  r.retry_after = std::move(retry_after);
  return r;
}

TEST(RetryQueue, WaitsTheBackoffThenGivesTheRequestBackWhole) {
  RetryQueue queue(5, 42, Millis(60'000), no_dates);
  const auto wait = queue.again(request(7, "the body"), status(500), t0);
  ASSERT_TRUE(wait);
  EXPECT_GE(wait->count(), 750);
  EXPECT_LE(wait->count(), 1000);
  EXPECT_FALSE(queue.ready(t0 + *wait - Millis(1))) << "not before its wait is over";
  EXPECT_EQ(queue.next_ready(), t0 + *wait);
  const auto back = queue.ready(t0 + *wait);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->tag, 7u);
  EXPECT_EQ(back->body, "the body");
  EXPECT_TRUE(queue.empty());
  EXPECT_FALSE(queue.next_ready());
}

TEST(RetryQueue, HonoursTheServersWaitUpToTheCap) {
  RetryQueue queue(5, 42, Millis(10'000), no_dates);
  EXPECT_EQ(queue.again(request(1), status(429, "3"), t0), Millis(3000));
  EXPECT_EQ(queue.again(request(2), status(429, "120"), t0), Millis(10'000)) << "--max-retry-wait caps the server's wish";
}

TEST(RetryQueue, SoonestFirstAndTiesInTheOrderQueued) {
  RetryQueue queue(5, 42, Millis(60'000), no_dates);
  queue.again(request(1), status(429, "2"), t0);
  queue.again(request(2), status(429, "1"), t0);
  queue.again(request(3), status(429, "1"), t0);
  std::vector<std::uint64_t> order;
  while (auto r = queue.ready(t0 + std::chrono::seconds(5))) order.push_back(r->tag);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{2, 3, 1}));
}

TEST(RetryQueue, GivesUpAfterMaxRetriesAndAnAnswerStartsTheCountOver) {
  RetryQueue queue(2, 42, Millis(10), no_dates);
  EXPECT_TRUE(queue.again(request(9), status(503), t0));
  EXPECT_TRUE(queue.again(request(9), status(503), t0));
  EXPECT_FALSE(queue.again(request(9), status(503), t0)) << "the third failure is final";
  EXPECT_TRUE(queue.again(request(9), status(503), t0)) << "forgotten after giving up: a new request of the same tag starts over";
  queue.forget(9);
  EXPECT_TRUE(queue.again(request(9), status(503), t0));
  EXPECT_TRUE(queue.again(request(9), status(503), t0));
  EXPECT_EQ(queue.size(), 5u) << "every retry granted waits in the queue";
}

TEST(RetryQueue, EachTagHasItsOwnCount) {
  RetryQueue queue(1, 42, Millis(10), no_dates);
  EXPECT_TRUE(queue.again(request(1), status(500), t0));
  EXPECT_TRUE(queue.again(request(2), status(500), t0));
  EXPECT_FALSE(queue.again(request(1), status(500), t0));
}

TEST(RetryQueue, JitterDiffersBetweenRequestsSoTheyDoNotRetryInLockstep) {
  RetryQueue queue(5, 42, Millis(60'000), no_dates);
  std::set<Millis::rep> waits;
  for (std::uint64_t tag = 0; tag < 20; ++tag) waits.insert(queue.again(request(tag), status(500), t0)->count());
  EXPECT_GT(waits.size(), 10u);
}

// Class 6 of issue 12: providers behind the HF router send Retry-After on every 200; an unreadable
// 200 must get the plain backoff, not a 15 s wait.
TEST(RetryQueue, RetryAfterIsHeardOnlyOn429And503) {
  RetryQueue queue(5, 42, Millis(60'000), no_dates);
  const auto after_200 = queue.again(request(1), status(200, "15"), t0);
  ASSERT_TRUE(after_200);
  EXPECT_LE(*after_200, Millis(1000)) << "the first backoff, not the 200's Retry-After";
  EXPECT_LE(*queue.again(request(2), status(500, "15"), t0), Millis(1000)) << "a 500's Retry-After is not heard either";
  EXPECT_LE(*queue.again(request(3), status(0, "15"), t0), Millis(1000)) << "nor a failed exchange's";
  EXPECT_EQ(queue.again(request(4), status(503, "15"), t0), Millis(15'000));
  EXPECT_EQ(queue.again(request(5), status(429, "15"), t0), Millis(15'000));
}

TEST(RetryQueue, HonoursAnExhaustedBudgetsReset) {
  RetryQueue queue(5, 42, Millis(60'000), no_dates);
  auto limited = status(429);
  limited.ratelimit_remaining_requests = "0";
  limited.ratelimit_reset_requests = "2.5s";
  limited.ratelimit_remaining_tokens = "39870";
  limited.ratelimit_reset_tokens = "195ms";
  EXPECT_EQ(queue.again(request(1), limited, t0), Millis(2500));
}

}  // namespace
}  // namespace synthgen
