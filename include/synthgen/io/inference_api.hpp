// One small interface per inference wire format: the URL, the request body for one vote, and the
// reading of an answer. Adding a backend is one new file behind this interface.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "synthgen/core/run_config.hpp"

namespace synthgen {

struct TokenUsage {
  long prompt = 0;
  long completion = 0;
};

// What a complete answer (a readable 2xx) holds. `no_text` names why it has no text to vote with:
// "" (it has), "no_text" (content null or absent: tool calls, reasoning only) or "length" (cut at
// max_tokens); it is stored with the answer, so a rerun from the store votes the same.
struct InferenceAnswer {
  std::string text;
  TokenUsage usage;
  std::string no_text;
};

class InferenceApi {
 public:
  virtual ~InferenceApi() = default;
  [[nodiscard]] virtual const std::string& url() const = 0;
  [[nodiscard]] virtual std::vector<std::string> extra_headers() const = 0;
  [[nodiscard]] virtual std::string request_body(std::string_view prompt, const GenerationParams& params, std::uint32_t seed) const = 0;
  // The answer text of a 2xx body, or what is wrong with the body.
  [[nodiscard]] virtual std::expected<InferenceAnswer, std::string> read_answer(std::string_view body) const = 0;
  // The tokens a 2xx body says were billed, also when it holds no answer (read_answer failed).
  [[nodiscard]] virtual TokenUsage billed_usage(std::string_view /*body*/) const { return {}; }
};

std::unique_ptr<InferenceApi> make_openai_chat_api(const std::string& endpoint);
std::unique_ptr<InferenceApi> make_text_generation_api(const std::string& endpoint);
// The API of a row of the wire format table (core/wire_format.hpp).
std::unique_ptr<InferenceApi> make_inference_api(ApiKind kind, const std::string& endpoint);

// The headers of every request to `api`: JSON both ways, no 100-continue wait, the API's own extras.
std::vector<std::string> request_headers(const InferenceApi& api);

// The human-readable message in an error body from any of the services: {"error": "..."},
// {"error": {"message": ...}}, {"error": ["...", ...]}, {"message": ...} or plain text.
std::string service_error_text(std::string_view body);

// A JSON string literal (quoted and escaped), so bodies can be built without a DOM.
std::string json_string(std::string_view text);

}  // namespace synthgen
