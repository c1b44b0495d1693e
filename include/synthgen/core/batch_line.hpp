// The lines of a batch engine's files (OpenAI Batch API, `vllm run-batch`): a request line written
// for an answer the run still needs, and the reading of an output or error line. Pure: no file.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "synthgen/core/store_key.hpp"

namespace synthgen {

// The request path every exported line names (OpenAI and vLLM take the same).
inline constexpr std::string_view batch_chat_path = "/v1/chat/completions";

// "row<index>-vote<vote>-<64 hex of the store key>": unique per request, readable, and mapping back
// to the store key alone (the row and vote are for the person reading the file).
std::string batch_custom_id(std::size_t row_index, int vote, const StoreKey& key);
// The store key a custom_id ends with; nothing for an id synthgen did not write.
std::optional<StoreKey> key_of_custom_id(std::string_view custom_id);

// {"custom_id":...,"method":"POST","url":"/v1/chat/completions","body":<body>} and a newline: the
// body's bytes are the live request's, so the answer's store key is the same.
std::string batch_request_line(std::string_view custom_id, std::string_view body);

// One line of an output or error file, in any of the shapes the engines write:
// - OpenAI and vLLM: {"custom_id", "response": {"status_code", "request_id", "body": {...}}, "error": null}
// - an error line: "response" null (or a status_code of 0, seen in the wild), "error" {code, message}
//   (OpenAI: batch_expired, batch_cancelled, request_timeout) or a string (vLLM, with status_code 400);
//   a status_code of 0 with no error names the body's error code, else "no_status"
// - vLLM's first release: the completion straight under "response".
struct BatchResultLine {
  std::string custom_id;
  long status = 0;    // the HTTP status of the request; 0 when it got none
  std::string body;   // the response body as JSON text ("" when none)
  std::string error;  // "": none; else the error's code (or "error" when it has none)
  std::string error_message;
};

// What is wrong with the line when it is none of these.
std::expected<BatchResultLine, std::string> parse_batch_result_line(std::string_view line);

}  // namespace synthgen
