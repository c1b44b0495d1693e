// The objects of OpenAI's Files and Batches API (wire-formats section 6) as values: a Batch read
// from its JSON, a file object's id, and the body that creates a batch. Pure: no network here.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace synthgen {

// openai-python types/batch.py; `unknown` keeps a status added later from failing the parse.
enum class BatchStatus { validating, failed, in_progress, finalizing, completed, expired, cancelling, cancelled, unknown };

// One entry of a batch's errors.data (mostly input-file validation: invalid_json_line, ...).
struct BatchError {
  std::string code;
  std::optional<long> line;  // the input file's line, when the error is about one
  std::string message;
};

struct BatchInfo {
  std::string id;
  BatchStatus status = BatchStatus::unknown;
  std::string status_text;  // as the service wrote it (an unknown status is shown as is)
  std::string input_file_id;
  // Either may be null even when the batch completed: a batch whose every request failed has only
  // an error file.
  std::optional<std::string> output_file_id, error_file_id;
  long total = 0, completed = 0, failed = 0;  // request_counts; 0 while the service sends null
  std::vector<BatchError> errors;
};

// A Batch object. Only `id` and `status` are required; every nullable field may be null or missing.
std::expected<BatchInfo, std::string> parse_batch_object(std::string_view json);

// A file object ({"id":"file-..", "object":"file", ...}) -> its id.
std::expected<std::string, std::string> parse_file_object(std::string_view json);

// Whether the batch can change no more: completed, expired, cancelled or failed.
bool batch_has_ended(BatchStatus status);

// "in_progress", ... ("unknown" for unknown).
std::string_view batch_status_name(BatchStatus status);

// The body of POST /v1/batches for chat completions in a 24 h window. Metadata is clipped to the
// API's limits (16 pairs, keys of 64 characters, values of 512), rather than refused by the service
// after the input was uploaded; a repeated key keeps its last value.
inline constexpr std::size_t batch_metadata_pairs = 16, batch_metadata_key_chars = 64, batch_metadata_value_chars = 512;
std::string create_batch_body(std::string_view input_file_id, const std::vector<std::pair<std::string, std::string>>& metadata);

}  // namespace synthgen
