// Judging a vote's answer: answer, retry, final failure or stop, by status, body and transport.
#include "synthgen/app/vote_outcome.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

HttpResponse response(long status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

class VoteOutcomeTest : public ::testing::Test {
 protected:
  std::unique_ptr<InferenceApi> api_ = make_inference_api(ApiKind::openai, "http://127.0.0.1:1/v1");
};

TEST_F(VoteOutcomeTest, AReadable200IsAnAnswerWithItsUsage) {
  const auto outcome = judge_vote_response(
      *api_, response(200, R"({"choices":[{"message":{"content":"positive"}}],"usage":{"prompt_tokens":5,"completion_tokens":1}})"));
  const auto* answered = std::get_if<Answered>(&outcome);
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->answer.text, "positive");
  EXPECT_EQ(answered->answer.usage.prompt, 5);
}

// Answered, not retried: asked again with the same body and seed, the model answers the same way,
// and every attempt is billed.
TEST_F(VoteOutcomeTest, A200WithoutTextOrCutIsAnAnswerNotABadBody) {
  const auto tool_call = judge_vote_response(*api_, response(200, R"({"choices":[{"message":{"content":null,"tool_calls":[]}}]})"));
  ASSERT_TRUE(std::holds_alternative<Answered>(tool_call));
  EXPECT_EQ(std::get<Answered>(tool_call).answer.no_text, "no_text");
  const auto cut = judge_vote_response(*api_, response(200, R"({"choices":[{"message":{"content":"posi"},"finish_reason":"length"}]})"));
  ASSERT_TRUE(std::holds_alternative<Answered>(cut));
  EXPECT_EQ(std::get<Answered>(cut).answer.no_text, "length");
}

TEST_F(VoteOutcomeTest, AnUnreadable200IsRetriedAsABadBody) {
  const auto outcome = judge_vote_response(*api_, response(200, R"({"choices": [)"));
  const auto* retry = std::get_if<RetryLater>(&outcome);
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->kind, "bad_body");
}

TEST_F(VoteOutcomeTest, PassingFailuresAreRetriedByKind) {
  EXPECT_EQ(std::get<RetryLater>(judge_vote_response(*api_, response(503, "busy"))).kind, "http_503");
  EXPECT_EQ(std::get<RetryLater>(judge_vote_response(*api_, response(429, R"({"error":"slow down"})"))).kind, "http_429");
  auto reset = response(0, "");
  reset.transport_error = "Connection reset by peer";
  const auto outcome = judge_vote_response(*api_, reset);
  EXPECT_EQ(std::get<RetryLater>(outcome).kind, "transport");
  EXPECT_EQ(std::get<RetryLater>(outcome).detail, "Connection reset by peer");
}

TEST_F(VoteOutcomeTest, ABadRequestFailsThisVoteOnly) {
  const auto outcome = judge_vote_response(*api_, response(422, R"({"error":"Input validation error: prompt too long"})"));
  const auto* failed = std::get_if<FailedForGood>(&outcome);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->kind, "http_422");
  EXPECT_EQ(failed->detail, "Input validation error: prompt too long");
}

TEST_F(VoteOutcomeTest, ATooLarge200IsCountedNotRetried) {
  auto big = response(200, std::string(100, 'x'));
  big.too_large = true;
  big.transport_error = "the answer passed 1048576 bytes";
  const auto outcome = judge_vote_response(*api_, big);
  EXPECT_EQ(std::get<FailedForGood>(outcome).kind, "too_large");
  auto big_error = big;
  big_error.status = 500;
  EXPECT_EQ(std::get<RetryLater>(judge_vote_response(*api_, big_error)).kind, "too_large") << "an error status is judged as usual";
}

TEST_F(VoteOutcomeTest, RefusedTokenAndSpentCreditsStopTheRunWithTheirCodes) {
  const auto refused = judge_vote_response(*api_, response(401, R"({"error":"Invalid credentials in Authorization header"})"));
  ASSERT_TRUE(std::holds_alternative<StopRun>(refused));
  EXPECT_EQ(std::get<StopRun>(refused).error.code(), ExitCode::auth);
  EXPECT_NE(std::string(std::get<StopRun>(refused).error.what()).find("check HF_TOKEN"), std::string::npos);
  const auto credits = judge_vote_response(*api_, response(402, R"({"error":"You have exceeded your monthly included credits"})"));
  EXPECT_NE(std::string(std::get<StopRun>(credits).error.what()).find("out of credits"), std::string::npos);
  const auto missing = judge_vote_response(*api_, response(404, "Not Found"));
  EXPECT_EQ(std::get<StopRun>(missing).error.code(), ExitCode::service);
}

}  // namespace
}  // namespace synthgen
