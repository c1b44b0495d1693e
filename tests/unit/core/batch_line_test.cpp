// Batch lines: custom_ids that map back to the store key, request lines that keep the live body's
// bytes, and every result shape the engines write (modelled on recorded ones, sources named).
#include "synthgen/core/batch_line.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace synthgen {
namespace {

StoreKey sample_key(unsigned char first) {
  StoreKey key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(first + i * 7);
  return key;
}

TEST(BatchCustomId, NamesRowAndVoteAndMapsBackToTheKey) {
  const auto key = sample_key(0xf0);
  const auto id = batch_custom_id(1234, 2, key);
  EXPECT_TRUE(id.starts_with("row1234-vote2-")) << id;
  EXPECT_EQ(id.size(), std::string("row1234-vote2-").size() + 64);
  EXPECT_EQ(key_of_custom_id(id), key);
}

TEST(BatchCustomId, OthersIdsMapToNothing) {
  EXPECT_FALSE(key_of_custom_id("request-1"));  // the OpenAI guide's and vLLM's examples
  EXPECT_FALSE(key_of_custom_id("row1-vote0-abc"));
  EXPECT_FALSE(key_of_custom_id("row1-vote0-" + std::string(64, 'g')));
  EXPECT_FALSE(key_of_custom_id(""));
  EXPECT_TRUE(key_of_custom_id("row1-vote0-" + std::string(64, 'A'))) << "hex in either case";
}

TEST(StoreKeyHex, RoundTrips) {
  const auto key = sample_key(3);
  const auto hex = key_hex(key);
  EXPECT_EQ(hex.size(), 64U);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(key_from_hex(hex), key);
  EXPECT_FALSE(key_from_hex(hex.substr(1)));
}

TEST(BatchRequestLine, IsOneJsonLineWithTheBodyBytesUnchanged) {
  // Bytes a DOM round trip would change: key order, a float's spelling, an escaped slash.
  const std::string body = R"({"model":"m","messages":[{"role":"user","content":"a \/ \"b\"\n"}],"temperature":0.80,"seed":7})";
  const auto line = batch_request_line("row0-vote1-x", body);
  ASSERT_TRUE(line.ends_with("}\n"));
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find(R"("body":)" + body + "}"), std::string::npos);
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["custom_id"], "row0-vote1-x");
  EXPECT_EQ(json["method"], "POST");
  EXPECT_EQ(json["url"], "/v1/chat/completions");
  EXPECT_EQ(json["body"]["seed"], 7);
}

TEST(BatchRequestLine, EscapesTheCustomId) {
  const auto json = nlohmann::json::parse(batch_request_line("a\"b", "{}"));
  EXPECT_EQ(json["custom_id"], "a\"b");
}

// OpenAI's batch guide (platform.openai.com/docs/guides/batch), "the output file": one line.
constexpr const char* openai_output_line =
    R"({"id": "batch_req_123", "custom_id": "request-2", "response": {"status_code": 200, "request_id": "req_123", "body": {"id": )"
    R"("chatcmpl-123", "object": "chat.completion", "created": 1711652795, "model": "gpt-3.5-turbo-0125", "choices": [{"index": 0, )"
    R"("message": {"role": "assistant", "content": "Hello."}, "logprobs": null, "finish_reason": "stop"}], "usage": {"prompt_tokens": )"
    R"(22, "completion_tokens": 2, "total_tokens": 24}, "system_fingerprint": "fp_123"}}, "error": null})";

TEST(BatchResultLine, ReadsOpenAisOutputLine) {
  const auto line = parse_batch_result_line(openai_output_line);
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->custom_id, "request-2");
  EXPECT_EQ(line->status, 200);
  EXPECT_TRUE(line->error.empty());
  const auto body = nlohmann::json::parse(line->body);
  EXPECT_EQ(body["choices"][0]["message"]["content"], "Hello.");
  EXPECT_EQ(body["usage"]["prompt_tokens"], 22);
}

// vllm examples/offline_inference/openai_batch/README.md, the output of its first release: the
// completion straight under "response".
constexpr const char* vllm_first_shape_line =
    R"({"id":"vllm-383d1c59835645aeb2e07d004d62a826","custom_id":"request-1","response":{"id":"cmpl-61c0255bc96d4b7f8e1bb7f36b0cb2ef",)"
    R"("object":"chat.completion","created":1715633336,"model":"meta-llama/Meta-Llama-3-8B-Instruct","choices":[{"index":0,"message":)"
    R"({"role":"assistant","content":"Hello! It's great to meet you!"},"logprobs":null,"finish_reason":"stop","stop_reason":null}],)"
    R"("usage":{"prompt_tokens":25,"total_tokens":56,"completion_tokens":31}},"error":null})";

TEST(BatchResultLine, ReadsVllmsFirstShape) {
  const auto line = parse_batch_result_line(vllm_first_shape_line);
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->status, 200);
  EXPECT_EQ(nlohmann::json::parse(line->body)["choices"][0]["message"]["content"], "Hello! It's great to meet you!");
}

// vllm entrypoints/openai/run_batch.py, BatchRequestOutput with BatchResponseData: the wrapper.
TEST(BatchResultLine, ReadsVllmsWrappedShape) {
  const auto line = parse_batch_result_line(
      R"({"id":"vllm-0f1e","custom_id":"c","response":{"status_code":200,"request_id":"vllm-batch-9a8b","body":{"object":)"
      R"("chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"neutral"},"finish_reason":"stop"}]}},)"
      R"("error":null})");
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->status, 200);
  EXPECT_NE(line->body.find("neutral"), std::string::npos);
}

// run_batch.py's make_error_request_output: a status, no body, the error as a string.
TEST(BatchResultLine, ReadsVllmsInlineError) {
  const auto line =
      parse_batch_result_line(R"({"id":"vllm-1","custom_id":"c","response":{"status_code":400,"request_id":"vllm-batch-2","body":null},)"
                              R"("error":"Only /v1/chat/completions, /v1/embeddings and /score are supported in the batch endpoint."})");
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->status, 400);
  EXPECT_TRUE(line->body.empty());
  EXPECT_EQ(line->error, "error");
  EXPECT_NE(line->error_message.find("supported"), std::string::npos);
}

// vLLM's first release wrote an error as its ErrorResponse (object "error", a numeric code) with
// "response" null (vllm entrypoints/openai/protocol.py ErrorResponse).
TEST(BatchResultLine, ReadsVllmsFirstShapeError) {
  const auto line = parse_batch_result_line(
      R"({"id":"vllm-1","custom_id":"c","response":null,"error":{"object":"error","message":"The model `x` does not exist.",)"
      R"("type":"NotFoundError","param":null,"code":404}})");
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->status, 0);
  EXPECT_EQ(line->error, "http_404");
  const auto typed = parse_batch_result_line(R"({"custom_id":"c","response":null,"error":{"type":"BadRequestError","message":"m"}})");
  ASSERT_TRUE(typed);
  EXPECT_EQ(typed->error, "BadRequestError");
}

// OpenAI error file: a request the batch never ran (wire-formats §6: batch_expired).
TEST(BatchResultLine, ReadsAnExpiredLine) {
  const auto line = parse_batch_result_line(
      R"({"id": "batch_req_456", "custom_id": "request-3", "response": null, "error": {"code": "batch_expired", "message": )"
      R"("This request could not be executed before the completion window expired."}})");
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->status, 0);
  EXPECT_EQ(line->error, "batch_expired");
}

// Seen in the wild (wire-formats §6): error-file lines with status_code 0.
TEST(BatchResultLine, ReadsAStatusZeroLine) {
  const auto line = parse_batch_result_line(
      R"({"id":"batch_req_1","custom_id":"c","response":{"status_code":0,"request_id":"","body":null},"error":{"code":)"
      R"("request_timeout","message":"timed out"}})");
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->status, 0);
  EXPECT_EQ(line->error, "request_timeout");
}

// The same with the reason only in the body and "error" null (the project's fake writes this shape
// for `status_zero`; a status-0 line must never pass for a malformed one).
TEST(BatchResultLine, ReadsAStatusZeroLineWithTheReasonInItsBody) {
  const auto line = parse_batch_result_line(
      R"({"id":"batch_req_1","custom_id":"c","response":{"status_code":0,"request_id":"","body":{"error":{"message":"upstream )"
      R"(failed","type":"server_error","code":"server_error"}}},"error":null})");
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->status, 0);
  EXPECT_EQ(line->error, "server_error");
  const auto bare = parse_batch_result_line(R"({"custom_id":"c","response":{"status_code":0,"body":null},"error":null})");
  ASSERT_TRUE(bare) << bare.error();
  EXPECT_EQ(bare->error, "no_status");
}

TEST(BatchResultLine, ReadsAnHttpErrorInTheErrorFile) {
  const auto line = parse_batch_result_line(
      R"({"id":"batch_req_2","custom_id":"c","response":{"status_code":400,"request_id":"r","body":{"error":{"message":)"
      R"("Invalid model","type":"invalid_request_error","param":"model","code":"model_not_found"}}},"error":null})");
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->status, 400);
  EXPECT_TRUE(line->error.empty());
  EXPECT_NE(line->body.find("model_not_found"), std::string::npos);
}

TEST(BatchResultLine, RefusesWhatIsNoResultLine) {
  for (const char* bad :
       {"not json", "[1,2]", R"({"response":{"status_code":200,"body":{}}})", R"({"custom_id":"","error":{}})", R"({"custom_id":"c"})",
        R"({"custom_id":"c","response":null,"error":null})", R"({"custom_id":"c","response":{"body":{}}})",
        R"({"custom_id":"c","response":{"status_code":"200"}})", R"({"custom_id":"c","response":7})", R"({"custom_id":"c","error":5})",
        R"({"custom_id":3,"error":{"code":"x"}})"}) {
    EXPECT_FALSE(parse_batch_result_line(bad)) << bad;
  }
}

}  // namespace
}  // namespace synthgen
