// Retry classification, server-requested waits and backoff.
#include "synthgen/core/retry.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

const SecondsUntil no_dates = [](std::string_view) -> std::optional<double> { return std::nullopt; };

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
  EXPECT_EQ(classify_response(400, R"({"error":{"code":"model_not_supported"}})", false), Verdict::stop_config);
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

}  // namespace
}  // namespace synthgen
