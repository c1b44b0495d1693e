// The request loop's pure parts: the spending limits, the failure breaker and the wire format table.
#include <gtest/gtest.h>

#include <set>

#include "synthgen/core/failure_breaker.hpp"
#include "synthgen/core/request_budget.hpp"
#include "synthgen/core/settings.hpp"
#include "synthgen/core/wire_format.hpp"

namespace synthgen {
namespace {

RunConfig limits(std::size_t max_requests, double max_cost, double price) {
  RunConfig c;
  c.max_requests = max_requests;
  c.max_cost = max_cost;
  c.price_per_mtok = price;
  return c;
}

TEST(RequestBudget, NoLimitNeverSpends) {
  RequestBudget budget(limits(0, 0, 5));
  EXPECT_TRUE(budget.allows(1'000'000, 1'000'000'000));
  EXPECT_FALSE(budget.spent());
}

TEST(RequestBudget, MaxRequestsStopsAtTheLimitAndStaysSpent) {
  RequestBudget budget(limits(3, 0, 0));
  EXPECT_TRUE(budget.allows(2, 0));
  EXPECT_FALSE(budget.allows(3, 0));
  EXPECT_TRUE(budget.spent());
  EXPECT_FALSE(budget.allows(0, 0)) << "once spent, always spent";
  EXPECT_EQ(budget.limit_reached(3, 0), "--max-requests 3");
}

TEST(RequestBudget, MaxCostCountsPaidTokensAtThePrice) {
  RequestBudget budget(limits(0, 0.01, 0.5));  // 0.01 at 0.5 per million: 20000 tokens
  EXPECT_TRUE(budget.allows(10, 19'999));
  EXPECT_FALSE(budget.allows(11, 20'000));
  EXPECT_EQ(budget.limit_reached(11, 20'000), "--max-cost 0.01 (20000 tokens at 0.5 per million)");
}

TEST(FailureBreaker, PausesAfterTenInARowAndNotBefore) {
  FailureBreaker breaker(7, Millis(60'000));
  const auto now = FailureBreaker::Clock::time_point{} + std::chrono::hours(1);
  for (int i = 1; i < FailureBreaker::failures_before_pause; ++i) EXPECT_FALSE(breaker.on_failure(now)) << i;
  const auto pause = breaker.on_failure(now);
  ASSERT_TRUE(pause);
  EXPECT_GE(pause->count(), 750);  // the first backoff: 1 s less up to 25 % jitter
  EXPECT_LE(pause->count(), 1000);
  EXPECT_EQ(breaker.paused_until(), now + *pause);
}

TEST(FailureBreaker, ASuccessBreaksTheRunAndResetsTheGrowth) {
  FailureBreaker breaker(7, Millis(60'000));
  const auto now = FailureBreaker::Clock::time_point{};
  for (int i = 0; i < 9; ++i) breaker.on_failure(now);
  breaker.on_success();
  EXPECT_FALSE(breaker.on_failure(now)) << "the count starts over after an answer";
  breaker.on_success();
  std::optional<Millis> last;
  for (int pause = 0; pause < 3; ++pause) {
    for (int i = 0; i < FailureBreaker::failures_before_pause; ++i) {
      if (auto p = breaker.on_failure(now)) last = p;
    }
  }
  ASSERT_TRUE(last);
  EXPECT_GE(last->count(), 3000) << "the third pause in a row waits about 4 s";
  EXPECT_EQ(breaker.pauses(), 3);
  breaker.on_success();
  EXPECT_EQ(breaker.pauses(), 0);
}

TEST(FailureBreaker, NeverPausesLongerThanTheCap) {
  FailureBreaker breaker(1, Millis(300));
  std::optional<Millis> pause;
  for (int i = 0; i < 10 * FailureBreaker::failures_before_pause; ++i) {
    if (auto p = breaker.on_failure({})) pause = p;
    if (pause) EXPECT_LE(pause->count(), 300);
  }
}

TEST(WireFormat, EveryKindHasOneRowWithItsOwnNameAndStoreTag) {
  std::set<std::string_view> names;
  std::set<std::string_view> tags;
  for (const auto& format : wire_formats()) {
    EXPECT_EQ(&wire_format(format.kind), &format);
    EXPECT_EQ(wire_format_named(format.name), format.kind);
    names.insert(format.name);
    tags.insert(format.store_tag);
  }
  EXPECT_EQ(names.size(), wire_formats().size());
  EXPECT_EQ(tags.size(), wire_formats().size());
  EXPECT_FALSE(wire_format_named("anthropic"));
  EXPECT_FALSE(wire_format_named(""));
}

TEST(WireFormat, StoreTagsAreThoseOfExistingStores) {
  // Changing a tag would orphan every answer stored under it.
  EXPECT_EQ(wire_format(ApiKind::openai).store_tag, "openai");
  EXPECT_EQ(wire_format(ApiKind::tgi).store_tag, "tgi");
}

TEST(WireFormat, TheApiOptionsHelpNamesEveryFormat) {
  std::string_view help;
  for (const auto& option : option_table()) {
    if (option.name == "api") help = option.help;
  }
  ASSERT_FALSE(help.empty());
  for (const auto& format : wire_formats()) {
    EXPECT_NE(help.find(format.name), std::string_view::npos) << format.name;
    EXPECT_NE(help.find(format.sends), std::string_view::npos) << format.sends;
  }
}

}  // namespace
}  // namespace synthgen
