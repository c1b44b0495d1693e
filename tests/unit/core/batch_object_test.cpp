// Batch and file objects read from the shapes the service really sends (each fixture names where
// its shape was seen; the values are made up), and the body that creates a batch.
#include "synthgen/core/batch_object.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace synthgen {
namespace {

// A batch just created: every nullable field null (openai-python types/batch.py; the example of
// "The batch object" in openai-openapi openapi.yaml).
constexpr std::string_view validating_batch = R"({
  "id": "batch_abc123", "object": "batch", "endpoint": "/v1/chat/completions", "errors": null,
  "input_file_id": "file-abc123", "completion_window": "24h", "status": "validating",
  "output_file_id": null, "error_file_id": null, "created_at": 1714508499, "in_progress_at": null,
  "expires_at": 1714594899, "finalizing_at": null, "completed_at": null, "failed_at": null,
  "expired_at": null, "cancelling_at": null, "cancelled_at": null,
  "request_counts": {"total": 0, "completed": 0, "failed": 0}, "metadata": null})";

// A batch whose input failed validation: errors.data with a line (documented codes
// invalid_json_line, duplicate_custom_id, ...; the observed entry BatchError(code="invalid_json_line",
// line=1, message="This line is not parseable as valid JSON.") quoted in stdapi-ai/stdapi.ai issue #240).
constexpr std::string_view failed_batch = R"({
  "id": "batch_failed1", "object": "batch", "endpoint": "/v1/chat/completions",
  "errors": {"object": "list", "data": [
    {"code": "invalid_json_line", "line": 1, "message": "This line is not parseable as valid JSON.", "param": null},
    {"code": "empty_file", "line": null, "message": "The input file is empty.", "param": null}]},
  "input_file_id": "file-in1", "completion_window": "24h", "status": "failed",
  "output_file_id": null, "error_file_id": null, "created_at": 1714508499, "failed_at": 1714508510,
  "request_counts": {"total": 0, "completed": 0, "failed": 0}, "metadata": {"job": "sst2"}})";

// A completed batch whose every request failed: no output file, only an error file (the Batch repr
// in ProjectTech4DevAI/kaapi-backend issue #723; BerriAI/litellm issue #33987).
constexpr std::string_view completed_all_errors = R"({
  "id": "batch_69c3c347", "completion_window": "24h", "created_at": 1774437191, "endpoint": "/v1/responses",
  "input_file_id": "file-2qvouj6s", "object": "batch", "status": "completed", "cancelled_at": null,
  "cancelling_at": null, "completed_at": 1774437324, "error_file_id": "file-QzTKe9sr", "errors": null,
  "expired_at": null, "expires_at": 1774523591, "failed_at": null, "finalizing_at": 1774437322,
  "in_progress_at": 1774437194, "metadata": {"description": "Evaluation: test_run_new_1"},
  "output_file_id": null, "request_counts": {"completed": 0, "failed": 9, "total": 9}})";

TEST(BatchObject, ReadsAFreshBatchWithNullsEverywhere) {
  const auto info = parse_batch_object(validating_batch);
  ASSERT_TRUE(info) << info.error();
  EXPECT_EQ(info->id, "batch_abc123");
  EXPECT_EQ(info->status, BatchStatus::validating);
  EXPECT_EQ(info->status_text, "validating");
  EXPECT_EQ(info->input_file_id, "file-abc123");
  EXPECT_FALSE(info->output_file_id);
  EXPECT_FALSE(info->error_file_id);
  EXPECT_EQ(info->total, 0);
  EXPECT_TRUE(info->errors.empty());
  EXPECT_FALSE(batch_has_ended(info->status));
}

TEST(BatchObject, NullCountsAndNullErrorListAreEmpty) {
  const auto info = parse_batch_object(
      R"({"id":"b1","status":"in_progress","input_file_id":null,"request_counts":null,"errors":{"object":"list","data":null}})");
  ASSERT_TRUE(info) << info.error();
  EXPECT_EQ(info->status, BatchStatus::in_progress);
  EXPECT_EQ(info->input_file_id, "");
  EXPECT_EQ(info->total + info->completed + info->failed, 0);
  EXPECT_TRUE(info->errors.empty());
}

TEST(BatchObject, ReadsTheErrorsOfAFailedBatch) {
  const auto info = parse_batch_object(failed_batch);
  ASSERT_TRUE(info) << info.error();
  EXPECT_EQ(info->status, BatchStatus::failed);
  EXPECT_TRUE(batch_has_ended(info->status));
  ASSERT_EQ(info->errors.size(), 2u);
  EXPECT_EQ(info->errors[0].code, "invalid_json_line");
  EXPECT_EQ(info->errors[0].line, 1);
  EXPECT_EQ(info->errors[0].message, "This line is not parseable as valid JSON.");
  EXPECT_EQ(info->errors[1].code, "empty_file");
  EXPECT_FALSE(info->errors[1].line);
}

TEST(BatchObject, ACompletedBatchMayHaveOnlyAnErrorFile) {
  const auto info = parse_batch_object(completed_all_errors);
  ASSERT_TRUE(info) << info.error();
  EXPECT_EQ(info->status, BatchStatus::completed);
  EXPECT_TRUE(batch_has_ended(info->status));
  EXPECT_FALSE(info->output_file_id);
  EXPECT_EQ(info->error_file_id, "file-QzTKe9sr");
  EXPECT_EQ(info->total, 9);
  EXPECT_EQ(info->completed, 0);
  EXPECT_EQ(info->failed, 9);
}

TEST(BatchObject, AnUnknownStatusIsKeptAsText) {
  const auto info = parse_batch_object(R"({"id":"b2","status":"paused","input_file_id":"file-1"})");
  ASSERT_TRUE(info) << info.error();
  EXPECT_EQ(info->status, BatchStatus::unknown);
  EXPECT_EQ(info->status_text, "paused");
  EXPECT_FALSE(batch_has_ended(info->status));
  EXPECT_EQ(batch_status_name(info->status), "unknown");
}

TEST(BatchObject, EveryStatusNameReadsBack) {
  for (const auto status : {BatchStatus::validating, BatchStatus::failed, BatchStatus::in_progress, BatchStatus::finalizing,
                            BatchStatus::completed, BatchStatus::expired, BatchStatus::cancelling, BatchStatus::cancelled}) {
    const auto json = R"({"id":"b","status":")" + std::string(batch_status_name(status)) + R"("})";
    const auto info = parse_batch_object(json);
    ASSERT_TRUE(info) << info.error();
    EXPECT_EQ(info->status, status) << json;
  }
  EXPECT_TRUE(batch_has_ended(BatchStatus::expired));
  EXPECT_TRUE(batch_has_ended(BatchStatus::cancelled));
  EXPECT_FALSE(batch_has_ended(BatchStatus::cancelling));
  EXPECT_FALSE(batch_has_ended(BatchStatus::finalizing));
}

TEST(BatchObject, MalformedAnswersAreErrors) {
  EXPECT_EQ(parse_batch_object("{\"id\": \"b1\", \"status\"").error(), "the batch object is not JSON");
  EXPECT_EQ(parse_batch_object("[]").error(), "the batch object is not a JSON object");
  EXPECT_EQ(parse_batch_object(R"({"status":"completed"})").error(), "the batch object has no \"id\"");
  EXPECT_EQ(parse_batch_object(R"({"id":"b1"})").error(), "the batch object b1 has no \"status\"");
  EXPECT_EQ(parse_batch_object(R"({"id":"b1","status":"completed","output_file_id":7})").error(),
            "the batch object b1 is malformed: its \"output_file_id\" is not a string");
}

// The answer of POST /v1/files (openai-python types/file_object.py).
TEST(BatchObject, ReadsAFileObjectsId) {
  const auto id =
      parse_file_object(R"({"id":"file-abc123","object":"file","bytes":120000,"created_at":1677610602,"filename":"batch_input.jsonl",)"
                        R"("purpose":"batch","status":"processed","status_details":null,"expires_at":null})");
  ASSERT_TRUE(id) << id.error();
  EXPECT_EQ(*id, "file-abc123");
  EXPECT_EQ(parse_file_object(R"({"object":"file"})").error(), "the file object has no \"id\"");
  EXPECT_EQ(parse_file_object("not json").error(), "the file object is not JSON");
}

TEST(BatchObject, CreateBodyNamesTheChatEndpointAndTheWindow) {
  const auto body = nlohmann::json::parse(create_batch_body("file-in1", {{"run", "sst2"}}));
  EXPECT_EQ(body["input_file_id"], "file-in1");
  EXPECT_EQ(body["endpoint"], "/v1/chat/completions");
  EXPECT_EQ(body["completion_window"], "24h");
  EXPECT_EQ(body["metadata"], nlohmann::json({{"run", "sst2"}}));
  EXPECT_FALSE(nlohmann::json::parse(create_batch_body("file-in1", {})).contains("metadata"));
}

TEST(BatchObject, CreateBodyClipsMetadataToTheApisLimits) {
  std::vector<std::pair<std::string, std::string>> metadata;
  for (int i = 0; i < 20; ++i) metadata.emplace_back("k" + std::to_string(i), "v");
  metadata.emplace_back("k3", "last wins");                            // a key already held: replaced, not a 17th
  metadata.emplace_back(std::string(70, 'x'), std::string(600, 'y'));  // a 21st pair: dropped
  const auto body = nlohmann::json::parse(create_batch_body("f", metadata));
  EXPECT_EQ(body["metadata"].size(), 16u);
  EXPECT_EQ(body["metadata"]["k3"], "last wins");
  EXPECT_FALSE(body["metadata"].contains("k16"));

  // "é" is two bytes and one character: the limits count characters, and never cut one in two.
  std::string key;
  for (int i = 0; i < 70; ++i) key += "é";
  const auto clipped = nlohmann::json::parse(create_batch_body("f", {{key, std::string(600, 'y')}}));
  const auto& meta = clipped.at("metadata");
  ASSERT_EQ(meta.size(), 1u);
  EXPECT_EQ(meta.begin().key().size(), 128u);  // 64 characters
  EXPECT_EQ(meta.begin().value().get<std::string>().size(), 512u);
}

}  // namespace
}  // namespace synthgen
