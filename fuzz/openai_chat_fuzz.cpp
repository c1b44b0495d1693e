// Fuzzes the OpenAI chat wire format: read_answer on any body, and request_body on any prompt
// (the body must stay valid JSON whatever bytes the prompt holds).
#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "synthgen/io/inference_api.hpp"

using namespace synthgen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto api = make_openai_chat_api("http://127.0.0.1:1/v1");
  const auto text = fuzz::as_text(data, size);
  (void)api->read_answer(text);
  const GenerationParams params{"mistralai/Mixtral-8x7B-Instruct-v0.1", 0.8, 0.9, 128};
  const auto body = nlohmann::json::parse(api->request_body(text, params, 1234), nullptr, false);
  fuzz::require(body.is_object() && body["messages"][0]["content"].is_string(), "request_body is not the chat JSON");
  return 0;
}
