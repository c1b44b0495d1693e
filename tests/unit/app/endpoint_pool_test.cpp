// EndpointPool: votes go where there is room, the faster endpoint first; a failing endpoint is set
// aside, probed with one request, and brought back or set aside again; every endpoint down is
// the stop, naming each; one endpoint keeps the pause of old and is never "down", but one that
// never took a connection is the stop after its third pause.
#include "synthgen/app/endpoint_pool.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "test_support.hpp"

namespace synthgen {
namespace {

using Clock = EndpointPool::Clock;
using std::chrono::milliseconds;
using testing::clock_origin;

const Clock::time_point t0 = clock_origin;

HttpResponse answer(long status, milliseconds elapsed = milliseconds(5)) { return testing::answer_with(status, elapsed); }

HttpResponse refused_connection() {
  HttpResponse r;
  r.transport_error = "Failed to connect to 127.0.0.1 port 9: Connection refused";
  r.connect_failed = true;
  return r;
}

EndpointPool pool_of(std::vector<std::size_t> ceilings, milliseconds max_pause = milliseconds(1000)) {
  std::vector<PoolTarget> targets;
  for (std::size_t i = 0; i < ceilings.size(); ++i) {
    const auto base = "http://user:pw@h" + std::to_string(i) + "/v1";
    targets.push_back({base + "/chat/completions", "http://***@h" + std::to_string(i) + "/v1", ceilings[i]});
  }
  return EndpointPool(std::move(targets), 7, max_pause);
}

std::optional<std::size_t> chosen(EndpointPool& pool, Clock::time_point now) {
  const auto choice = pool.choose(now);
  if (const auto* i = std::get_if<std::size_t>(&choice)) return *i;
  return std::nullopt;
}

// Sends one vote to whichever endpoint the pool chooses; which one, or nothing.
std::optional<std::size_t> send_one(EndpointPool& pool, std::uint64_t tag, Clock::time_point now) {
  const auto i = chosen(pool, now);
  if (i) pool.on_send(*i, tag, now);
  return i;
}

TEST(EndpointPool, VotesGoWhereThereIsRoom) {
  auto pool = pool_of({2, 3});
  std::vector<std::size_t> sent(2);
  for (std::uint64_t tag = 0; tag < 5; ++tag) ++sent[send_one(pool, tag, t0).value()];
  EXPECT_EQ(sent, (std::vector<std::size_t>{2, 3}));
  const auto full = pool.choose(t0);
  ASSERT_TRUE(std::holds_alternative<Clock::time_point>(full));  // each at its ceiling: wait for an answer
  EXPECT_GT(std::get<Clock::time_point>(full), t0);
  pool.on_answer(1, 4, answer(200), t0 + milliseconds(5));
  EXPECT_EQ(chosen(pool, t0 + milliseconds(5)), 1u);
  EXPECT_EQ(pool.index_of("http://user:pw@h1/v1/chat/completions"), 1u);
  EXPECT_FALSE(pool.index_of("http://elsewhere/v1/chat/completions").has_value());
}

TEST(EndpointPool, TheFasterEndpointTakesMore) {
  auto pool = pool_of({64, 64});
  // One answer each: 20 ms and 200 ms.
  pool.on_send(0, 0, t0);
  pool.on_send(1, 1, t0);
  pool.on_answer(0, 0, answer(200, milliseconds(20)), t0 + milliseconds(20));
  pool.on_answer(1, 1, answer(200, milliseconds(200)), t0 + milliseconds(200));
  const auto now = t0 + milliseconds(200);
  std::vector<std::size_t> sent(2);
  for (std::uint64_t tag = 10; tag < 32; ++tag) ++sent[send_one(pool, tag, now).value()];
  EXPECT_EQ(sent[0] + sent[1], 22u);
  EXPECT_GE(sent[0], 9 * sent[1]);  // (n + 1) x 20 ms against (m + 1) x 200 ms: about ten to one
  EXPECT_GE(sent[1], 1u);           // yet the slow one is not idle
}

TEST(EndpointPool, ARefusedConnectionSetsAsideAndAProbeBringsItBack) {
  auto pool = pool_of({1, 1});
  ASSERT_EQ(send_one(pool, 1, t0), 0u);
  ASSERT_EQ(send_one(pool, 2, t0), 1u);
  const auto dead = refused_connection();
  pool.on_answer(1, 2, dead, t0);
  EXPECT_FALSE(pool.on_failure(1, "transport: refused", dead, t0).has_value());  // a pool logs its set-asides itself
  // Endpoint 0 is full and 1 is set aside for the first backoff (1 s less up to a quarter): nothing
  // goes to 1 before, one request (the probe) after.
  for (auto t = t0; t < t0 + milliseconds(740); t += milliseconds(20)) EXPECT_NE(chosen(pool, t), std::optional<std::size_t>(1));
  const auto probe_time = t0 + milliseconds(1000);
  // Then one request, the probe; no second one while it is out.
  ASSERT_EQ(send_one(pool, 3, probe_time), 1u);
  pool.on_answer(0, 1, answer(200), probe_time);  // room on endpoint 0 again
  EXPECT_EQ(chosen(pool, probe_time), 0u);
  pool.on_send(0, 4, probe_time);
  EXPECT_FALSE(chosen(pool, probe_time).has_value());
  // Its answer brings it back.
  pool.on_answer(1, 3, answer(200), probe_time + milliseconds(5));
  EXPECT_EQ(chosen(pool, probe_time + milliseconds(5)), 1u);
  EXPECT_FALSE(pool.all_down().has_value());
}

TEST(EndpointPool, FailuresOfRequestsSentBeforeTheSetAsideDoNotExtendIt) {
  auto pool = pool_of({8, 8});
  for (std::uint64_t tag = 0; tag < 4; ++tag) pool.on_send(1, tag, t0);
  const auto dead = refused_connection();
  for (std::uint64_t tag = 0; tag < 4; ++tag) {
    pool.on_answer(1, tag, dead, t0);
    pool.on_failure(1, "transport: refused", dead, t0);
  }
  EXPECT_FALSE(pool.all_down().has_value());  // set aside once: not down before its probe fails
}

TEST(EndpointPool, AFailedProbeSetsAsideAgainLongerAndEveryEndpointDownIsTheStop) {
  auto pool = pool_of({4, 4}, milliseconds(60000));
  const auto dead = refused_connection();
  pool.on_send(0, 1, t0);
  pool.on_send(1, 2, t0);
  for (std::size_t i = 0; i < 2; ++i) {
    pool.on_answer(i, i + 1, dead, t0);
    pool.on_failure(i, "transport: refused", dead, t0);
  }
  EXPECT_FALSE(pool.all_down().has_value());
  // Both probes fail.
  auto now = std::get<Clock::time_point>(pool.choose(t0));
  std::vector<Clock::time_point> probes;
  for (std::uint64_t tag = 10; probes.size() < 2; ++tag) {
    const auto choice = pool.choose(now);
    if (const auto* when = std::get_if<Clock::time_point>(&choice)) {
      now = *when;
      continue;
    }
    const auto i = std::get<std::size_t>(choice);
    pool.on_send(i, tag, now);
    probes.push_back(now);
    EXPECT_FALSE(pool.all_down().has_value());  // a probe is out
    pool.on_answer(i, tag, answer(502), now + milliseconds(3));
  }
  // The second set-aside is longer than the first (2 s less up to a quarter, against 1 s at most).
  const auto again = std::get<Clock::time_point>(pool.choose(now + milliseconds(3)));
  EXPECT_GE(again - (now + milliseconds(3)), milliseconds(1200));
  const auto down = pool.all_down();
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(*down, "http://***@h0/v1 (http_502); http://***@h1/v1 (http_502)");
  EXPECT_EQ(down->find("pw"), std::string::npos);
}

TEST(EndpointPool, OneEndpointPausesAsOfOldAndIsNeverDown) {
  auto pool = pool_of({64});
  EXPECT_FALSE(pool.pooled());
  const auto dead = refused_connection();
  std::optional<Millis> pause;
  for (std::uint64_t tag = 0; tag < FailureBreaker::failures_before_pause; ++tag) {
    EXPECT_FALSE(pause.has_value()) << "a pause after " << tag << " failures";
    pool.on_send(0, tag, t0);
    pool.on_answer(0, tag, dead, t0);
    pause = pool.on_failure(0, "transport: refused", dead, t0);
  }
  ASSERT_TRUE(pause.has_value());  // the tenth in a row, refused connections or not
  EXPECT_EQ(pool.paused_until(t0), t0 + *pause);
  EXPECT_EQ(chosen(pool, t0), 0u);  // the caller waits for the pause; the pool has no other endpoint
  EXPECT_FALSE(pool.all_down().has_value());
  EXPECT_TRUE(pool.counts().size() == 1);
}

// Fails `n` votes in a row on endpoint 0 with `response`, as the request loop reports them.
void fail_in_a_row(EndpointPool& pool, const HttpResponse& response, int n, std::uint64_t first_tag = 0) {
  for (std::uint64_t tag = first_tag; tag < first_tag + static_cast<std::uint64_t>(n); ++tag) {
    pool.on_send(0, tag, t0);
    pool.on_answer(0, tag, response, t0);
    pool.on_failure(0, "transport: refused", response, t0);
  }
}

TEST(EndpointPool, OneEndpointNeverReachedIsTheStopAfterItsThirdPause) {
  auto pool = pool_of({64});
  const auto pauses = EndpointPool::pauses_before_unreachable;
  fail_in_a_row(pool, refused_connection(), pauses * FailureBreaker::failures_before_pause - 1);
  EXPECT_FALSE(pool.never_reached().has_value()) << "one failure short of the last pause";
  fail_in_a_row(pool, refused_connection(), 1, 1000);
  ASSERT_TRUE(pool.never_reached().has_value());
  EXPECT_EQ(*pool.never_reached(), "http://***@h0/v1 (transport: refused)");
}

TEST(EndpointPool, OneEndpointThatEverConnectedRidesOutAnOutage) {
  auto pool = pool_of({64});
  pool.on_send(0, 0, t0);
  pool.on_answer(0, 0, answer(503), t0);  // reached: a server answered, even with an error
  fail_in_a_row(pool, refused_connection(), 10 * FailureBreaker::failures_before_pause, 1);
  EXPECT_FALSE(pool.never_reached().has_value());
  auto timed_out = HttpResponse{};
  timed_out.transport_error = "Operation timed out";  // connected, then no answer: reached too
  auto other = pool_of({64});
  fail_in_a_row(other, timed_out, 10 * FailureBreaker::failures_before_pause);
  EXPECT_FALSE(other.never_reached().has_value());
}

TEST(EndpointPool, APoolIsNeverReachedOnlyWhenNoEndpointEverConnected) {
  auto pool = pool_of({8, 8});
  pool.on_send(1, 99, t0);
  pool.on_answer(1, 99, answer(200), t0);
  for (int round = 0; round < 10; ++round) fail_in_a_row(pool, refused_connection(), FailureBreaker::failures_before_pause, 100 * round);
  EXPECT_FALSE(pool.never_reached().has_value()) << "endpoint 1 answered";
}

TEST(EndpointPool, ARetiredEndpointIsNeverChosenAgainAndAllRetiredIsTheStop) {
  auto pool = pool_of({8, 8});
  EXPECT_FALSE(pool.retire(0, "http_401"));
  EXPECT_FALSE(pool.retire(0, "http_401")) << "twice is once";
  for (std::uint64_t tag = 0; tag < 20; ++tag) {
    const auto now = t0 + std::chrono::hours(tag);  // long after any set-aside would have ended
    ASSERT_EQ(send_one(pool, tag, now), 1u) << "vote " << tag;
    pool.on_answer(1, tag, answer(200), now);
    pool.on_success(1);
  }
  EXPECT_FALSE(pool.all_retired().has_value());
  EXPECT_FALSE(pool.all_down().has_value()) << "endpoint 1 is up";
  EXPECT_TRUE(pool.retire(1, "http_402"));
  EXPECT_EQ(pool.all_retired(), "http://***@h0/v1 (http_401); http://***@h1/v1 (http_402)");
}

TEST(EndpointPool, OneEndpointRetiredIsTheStop) {
  auto pool = pool_of({8});
  EXPECT_TRUE(pool.retire(0, "http_401"));
}

TEST(EndpointPool, CountsRequestsFailuresRefusalsAndTheMedian) {
  auto pool = pool_of({8, 8});
  for (std::uint64_t tag = 0; tag < 6; ++tag) pool.on_send(0, tag, t0);
  pool.on_answer(0, 0, answer(200, milliseconds(10)), t0);
  pool.on_answer(0, 1, answer(200, milliseconds(30)), t0);
  pool.on_answer(0, 2, answer(200, milliseconds(20)), t0);
  pool.on_answer(0, 3, answer(429), t0);
  pool.on_answer(0, 4, answer(500), t0);
  pool.on_answer(0, 5, refused_connection(), t0);
  const auto counts = pool.counts();
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].url, "http://***@h0/v1");
  EXPECT_EQ(counts[0].requests, 6u);
  EXPECT_EQ(counts[0].refused, 1u);
  EXPECT_EQ(counts[0].failed, 2u);
  EXPECT_EQ(counts[0].median_ms, 20);
  EXPECT_EQ(counts[1].requests, 0u);
  EXPECT_EQ(counts[1].median_ms, 0);
}

}  // namespace
}  // namespace synthgen
