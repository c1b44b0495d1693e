// Retry classification, server-requested waits and backoff.
#include "synthgen/core/retry.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

const SecondsUntil no_dates = [](std::string_view) -> std::optional<double> { return std::nullopt; };

// A recorded real answer (tests/fixtures/real_shapes/NAME.json): status, headers, body as sent.
struct Recorded {
  long status = 0;
  nlohmann::json headers;
  std::string body;
  [[nodiscard]] std::string header(const std::string& name) const {
    for (const auto& [key, value] : headers.items()) {
      if (iequals(key, name)) return value.get<std::string>();
    }
    return {};
  }
  [[nodiscard]] RetryHints hints() const {
    return {header("retry-after"),
            header("retry-after-ms"),
            header("ratelimit"),
            body,
            header("x-ratelimit-reset-requests"),
            header("x-ratelimit-reset-tokens"),
            header("x-ratelimit-remaining-requests"),
            header("x-ratelimit-remaining-tokens")};
  }
};

Recorded recorded(const std::string& name) {
  std::ifstream in(std::string(SYNTHGEN_SOURCE_DIR) + "/tests/fixtures/real_shapes/" + name + ".json");
  const auto shape = nlohmann::json::parse(in);
  const auto& body = shape.at("body");
  return {shape.at("status").get<long>(), shape.value("headers", nlohmann::json::object()),
          body.is_string() ? body.get<std::string>() : body.dump()};
}

TEST(ClassifyResponse, RetryableStatusesAndTransportErrors) {
  for (const long status : {0L, 408L, 429L, 500L, 502L, 503L, 504L})
    EXPECT_EQ(classify_response(status, "", false), Verdict::retry) << status;
  EXPECT_EQ(classify_response(200, "{\"choices\": [", false), Verdict::retry) << "a truncated 200 body is retried";
  EXPECT_EQ(classify_response(200, "{}", true), Verdict::answer);
}

TEST(ClassifyResponse, StopsOnAuthCreditsAndConfiguration) {
  EXPECT_EQ(classify_response(401, R"({"error":"Invalid username or password."})", false), Verdict::stop_auth);
  EXPECT_EQ(classify_response(403, "", false), Verdict::stop_auth);
  EXPECT_EQ(classify_response(402, "", false), Verdict::stop_credits);
  EXPECT_EQ(classify_response(404, "", false), Verdict::stop_config);
  EXPECT_EQ(classify_response(400, R"({"error":{"code":"model_not_supported"}})", false), Verdict::stop_model);
}

TEST(ClassifyResponse, QuotaSpent429IsNotRetried) {
  EXPECT_EQ(classify_response(429, R"({"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}})", false),
            Verdict::stop_credits);
  EXPECT_EQ(classify_response(429, R"({"error":"You have exceeded your monthly included credits"})", false), Verdict::stop_credits);
  EXPECT_EQ(classify_response(429, R"({"error":"Model is overloaded","error_type":"overloaded"})", false), Verdict::retry);
}

TEST(ClassifyResponse, OtherClientErrorsFailOnlyThisRequest) {
  EXPECT_EQ(classify_response(422, R"({"error":"Input validation error: inputs too long"})", false), Verdict::fail);
  EXPECT_EQ(classify_response(400, R"({"error":"bad"})", false), Verdict::fail);
}

TEST(ServerRequestedWait, OrderOfHeaders) {
  EXPECT_EQ(server_requested_wait({"3", "250", "", ""}, no_dates), Millis(250));
  EXPECT_EQ(server_requested_wait({"3", "", "", ""}, no_dates), Millis(3000));
  EXPECT_EQ(server_requested_wait({"1.5", "", "", ""}, no_dates), Millis(1500));
  EXPECT_EQ(server_requested_wait({"", "", R"("api";r=0;t=12)", ""}, no_dates), Millis(12000));
  EXPECT_EQ(server_requested_wait({"", "", "", R"({"error":"Model X is currently loading","estimated_time":118.03})"}, no_dates),
            Millis(118030));
  EXPECT_EQ(server_requested_wait({"", "", "", "Internal Server Error"}, no_dates), std::nullopt);
}

TEST(ServerRequestedWait, HttpDateAndGarbage) {
  const SecondsUntil ten = [](std::string_view date) -> std::optional<double> {
    if (date == "Wed, 21 Oct 2015 07:28:00 GMT") return 10.0;
    return std::nullopt;
  };
  EXPECT_EQ(server_requested_wait({"Wed, 21 Oct 2015 07:28:00 GMT", "", "", ""}, ten), Millis(10000));
  EXPECT_EQ(server_requested_wait({"soon", "", "", ""}, ten), std::nullopt);
  EXPECT_EQ(server_requested_wait({"-5", "nan", "t=", ""}, no_dates), std::nullopt);
}

TEST(Backoff, GrowsToEightSecondsWithAtMostAQuarterOff) {
  const int expected_s[] = {1, 2, 4, 8, 8, 8};
  for (int attempt = 0; attempt < 6; ++attempt) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      const auto d = backoff_delay(attempt, seed);
      EXPECT_LE(d, Millis(expected_s[attempt] * 1000));
      EXPECT_GE(d, Millis(expected_s[attempt] * 750));
    }
  }
}

TEST(RetryDelay, ServerWishWinsButTheCapHolds) {
  EXPECT_EQ(retry_delay(0, Millis(3000), 1, Millis(60000)), Millis(3000));
  EXPECT_EQ(retry_delay(0, Millis(120000), 1, Millis(60000)), Millis(60000));
  EXPECT_LE(retry_delay(3, std::nullopt, 1, Millis(500)), Millis(500));
}

// Class 1 of issue 12: rate limits whose message links to a billing page are waits, not spent credits.
TEST(RecordedShapes, OpenAiRequestsPerMinuteWithBillingLinkIsRetried) {
  const auto r = recorded("openai_429_rpm_billing_link");
  ASSERT_NE(r.body.find("account/billing"), std::string::npos) << "the shape must carry the billing link it is about";
  EXPECT_EQ(classify_response(r.status, r.body, false), Verdict::retry);
  EXPECT_EQ(server_requested_wait(r.hints(), no_dates), Millis(1000)) << "remaining-requests 0: the requests' reset";
}

TEST(RecordedShapes, GroqTokensPerMinuteWithBillingLinkIsRetried) {
  const auto r = recorded("groq_429_tpm_billing_link");
  ASSERT_NE(r.body.find("settings/billing"), std::string::npos);
  EXPECT_EQ(classify_response(r.status, r.body, false), Verdict::retry);
  EXPECT_EQ(server_requested_wait(r.hints(), no_dates), Millis(1000)) << "its retry-after comes first";
  auto without_retry_after = r.hints();
  without_retry_after.retry_after.clear();
  EXPECT_EQ(server_requested_wait(without_retry_after, no_dates), Millis(1270))
      << "no budget at 0, so the message's 'try again in 1.27s', not a 4m19.2s window reset";
}

TEST(RecordedShapes, OpenAiInsufficientQuotaStops) {
  const auto r = recorded("openai_429_insufficient_quota");
  EXPECT_EQ(classify_response(r.status, r.body, false), Verdict::stop_credits);
}

TEST(RecordedShapes, HfRouterOutOfCreditsStops) {
  const auto r = recorded("hf_router_402_out_of_credits");
  EXPECT_EQ(classify_response(r.status, r.body, false), Verdict::stop_credits);
  EXPECT_EQ(classify_response(429, r.body, false), Verdict::stop_credits) << "the same words on a 429";
}

// Class 2: an unknown model stops the run at the first answer, whatever the server's dialect.
TEST(RecordedShapes, UnknownModelsStop) {
  for (const char* name : {"hf_router_400_model_not_found", "hf_router_400_model_not_supported", "mistral_400_invalid_model",
                           "openrouter_400_invalid_model_id"}) {
    const auto r = recorded(name);
    EXPECT_EQ(r.status, 400) << name;
    EXPECT_EQ(classify_response(r.status, r.body, false), Verdict::stop_model) << name;
  }
}

TEST(RecordedShapes, HtmlGatewayPagesAreRetried) {
  for (const char* name : {"cloudflare_502_nginx_page", "cloudflare_504_error_page"}) {
    const auto r = recorded(name);
    EXPECT_EQ(classify_response(r.status, r.body, false), Verdict::retry) << name;
    EXPECT_EQ(server_requested_wait(r.hints(), no_dates), std::nullopt) << name << ": 'try again in a few minutes' is no duration";
  }
}

// Class 6: a Retry-After on a 200 says nothing about retrying it.
TEST(RecordedShapes, RetryAfterOnA200IsNotAWait) {
  const auto r = recorded("together_200_retry_after_cut_off");
  EXPECT_EQ(r.header("retry-after"), "15");
  EXPECT_EQ(classify_response(r.status, r.body, false), Verdict::retry) << "a body cut off is retried";
  EXPECT_FALSE(status_says_when_to_retry(r.status));
}

TEST(ClassifyResponse, FieldsDecideBeforeWords) {
  // "billing" alone, in a rate limit's words, is no stop; a spent-quota code is, whatever the words.
  EXPECT_EQ(classify_response(429, R"({"error":{"message":"Visit https://example.com/account/billing","type":"requests"}})", false),
            Verdict::retry);
  EXPECT_EQ(classify_response(429, R"({"error":{"message":"Rate limit","code":"billing_hard_limit_reached"}})", false),
            Verdict::stop_credits);
  EXPECT_EQ(classify_response(429, R"({"error":{"message":"Please add billing details","code":null}})", false), Verdict::retry);
  EXPECT_EQ(classify_response(429, "Too Many Requests: see our billing page", false), Verdict::retry);
  EXPECT_EQ(
      classify_response(
          429,
          R"({"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","code":null}})",
          false),
      Verdict::stop_credits);
}

TEST(ClassifyResponse, UnknownModelOn404TooButAPlain404IsTheEndpoint) {
  EXPECT_EQ(classify_response(404, R"({"error":{"message":"The model `gpt-9` does not exist","code":"model_not_found"}})", false),
            Verdict::stop_model);
  EXPECT_EQ(classify_response(404, R"({"error":"Not Found"})", false), Verdict::stop_config);
  EXPECT_EQ(classify_response(400, R"({"error":{"message":"max_tokens is too large","code":"invalid_request_error"}})", false),
            Verdict::fail);
}

TEST(StatusSaysWhenToRetry, Only429And503) {
  EXPECT_TRUE(status_says_when_to_retry(429));
  EXPECT_TRUE(status_says_when_to_retry(503));
  for (const long status : {0L, 200L, 408L, 500L, 502L, 504L}) EXPECT_FALSE(status_says_when_to_retry(status)) << status;
}

TEST(ServerRequestedWait, ExhaustedBudgetsReset) {
  RetryHints hints;
  hints.ratelimit_reset_requests = "6m0s";
  hints.ratelimit_reset_tokens = "20ms";
  hints.ratelimit_remaining_requests = "5";
  hints.ratelimit_remaining_tokens = "0";
  EXPECT_EQ(server_requested_wait(hints, no_dates), Millis(20)) << "only the tokens are spent";
  hints.ratelimit_remaining_requests = "0";
  EXPECT_EQ(server_requested_wait(hints, no_dates), Millis(360'000)) << "both spent: the longer";
  hints.ratelimit_remaining_requests = "5";
  hints.ratelimit_remaining_tokens = "7";
  EXPECT_EQ(server_requested_wait(hints, no_dates), std::nullopt) << "nothing spent: no wait from the resets";
}

TEST(ServerRequestedWait, TryAgainInTheMessage) {
  const auto wait_in = [](const std::string& message) {
    RetryHints hints;
    hints.body = nlohmann::json{{"error", {{"message", message}}}}.dump();
    return server_requested_wait(hints, no_dates);
  };
  EXPECT_EQ(wait_in("Rate limit reached. Please try again in 269.99ms. Visit ..."), Millis(269));
  EXPECT_EQ(wait_in("Please try again in 6m0s."), Millis(360'000));
  EXPECT_EQ(wait_in("Please try again in 1m30.5s. Need more tokens?"), Millis(90'500));
  EXPECT_EQ(wait_in("Please try again in a few minutes."), std::nullopt);
  EXPECT_EQ(wait_in("Please try again in 20"), std::nullopt) << "no unit: no duration";
}

TEST(ParseDuration, GoDurationsAndSeconds) {
  EXPECT_EQ(parse_duration("20ms"), Millis(20));
  EXPECT_EQ(parse_duration("1s"), Millis(1000));
  EXPECT_EQ(parse_duration("11.455s"), Millis(11'455));
  EXPECT_EQ(parse_duration("6m0s"), Millis(360'000));
  EXPECT_EQ(parse_duration("1h2m"), Millis(3'720'000));
  EXPECT_EQ(parse_duration("2"), Millis(2000)) << "a bare number is seconds";
  for (const char* bad : {"", "s", "1x", "-1s", "1s2", "soon"}) EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace synthgen
