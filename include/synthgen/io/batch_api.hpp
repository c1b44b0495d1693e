// OpenAI's Files and Batches API (wire-formats section 6), one call at a time: upload a JSONL
// input, create a batch from it, read its state, download its output. Files go to and from disk
// as streams; failed exchanges come back as values, retried first where that cannot pay twice.
#pragma once

#include <chrono>
#include <expected>
#include <string>
#include <utility>
#include <vector>

#include "synthgen/core/batch_object.hpp"

namespace synthgen {

struct BatchApiOptions {
  std::string endpoint;                   // e.g. https://api.openai.com/v1, without a trailing slash
  std::vector<std::string> header_lines;  // "Authorization: Bearer ...", ...; never put into a message or a log
  long connect_timeout_ms = 10000;
  // The whole exchange for a JSON call; for an upload or a download, the longest time without a
  // byte moving (a 200 MB file may rightly take longer than this in all).
  long timeout_ms = 120000;
  std::string ca_bundle;  // PEM CA file for TLS peer verification; empty: the system's store
  int max_retries = 5;
  std::chrono::milliseconds max_retry_wait{60000};
};

struct BatchApiError {
  int status = 0;  // the HTTP status of the last answer; 0 when none arrived
  // "transport" (no answer), "http" (an error answer), "auth" (401/403), "credits" (402, a 429 for
  // spent quota), "answer" (a 2xx that is not the expected object), "file" (the local file),
  // "interrupted" (Ctrl-C or SIGTERM)
  std::string kind;
  std::string message;  // what failed and the service's own words; never a header
  bool auth = false;    // a refused token or spent credits: exit code 4 (ExitCode::auth)
};

class BatchApi {
 public:
  explicit BatchApi(BatchApiOptions options);

  // POST {endpoint}/files, multipart purpose=batch and file=@path streamed from disk -> the file id.
  std::expected<std::string, BatchApiError> upload(const std::string& jsonl_path);
  // POST {endpoint}/batches for /v1/chat/completions in 24 h (metadata clipped: create_batch_body).
  std::expected<BatchInfo, BatchApiError> create(const std::string& input_file_id,
                                                 const std::vector<std::pair<std::string, std::string>>& metadata);
  // GET {endpoint}/batches/{id}.
  std::expected<BatchInfo, BatchApiError> get(const std::string& batch_id);
  // GET {endpoint}/files/{id}/content streamed into dest_path, which is replaced whole or not at all.
  std::expected<void, BatchApiError> download(const std::string& file_id, const std::string& dest_path);

 private:
  BatchApiOptions options_;
};

}  // namespace synthgen
