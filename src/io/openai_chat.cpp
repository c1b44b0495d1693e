// OpenAI-compatible chat completions (HF router, TGI, vLLM, llama.cpp, Ollama, OpenAI):
// POST {endpoint}/chat/completions, one request per vote since `n` > 1 is not portable.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "synthgen/io/inference_api.hpp"

namespace synthgen {
namespace {

// A usage count: a whole number from 0 to 2^31 - 1, else 0 (servers send null, or nothing sensible).
long token_count(const nlohmann::json& usage, const char* key) {
  const auto it = usage.find(key);
  if (it == usage.end() || !it->is_number_unsigned()) return 0;
  const auto count = it->get<std::uint64_t>();
  return count <= 0x7fffffffu ? static_cast<long>(count) : 0;
}

class OpenAiChatApi final : public InferenceApi {
 public:
  explicit OpenAiChatApi(const std::string& endpoint) : url_(endpoint + "/chat/completions") {}

  [[nodiscard]] const std::string& url() const override { return url_; }
  [[nodiscard]] std::vector<std::string> extra_headers() const override { return {}; }

  [[nodiscard]] std::string request_body(std::string_view prompt, const GenerationParams& p, std::uint32_t seed) const override {
    return fmt::format(
        R"({{"model":{},"messages":[{{"role":"user","content":{}}}],"temperature":{},"top_p":{},"max_tokens":{},"seed":{}}})",
        json_string(p.model), json_string(prompt), p.temperature, p.top_p, p.max_tokens, seed);
  }

  // Read in place (find, never value() or a copy): value() throws on a null or string token count,
  // and copying a deeply nested message recurses until the stack overflows.
  [[nodiscard]] std::expected<InferenceAnswer, std::string> read_answer(std::string_view body) const override {
    const auto doc = nlohmann::json::parse(body, nullptr, false);
    if (!doc.is_object()) return std::unexpected("the answer is not a JSON object");
    const auto choices = doc.find("choices");
    if (choices == doc.end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
      return std::unexpected("the answer has no choices");
    }
    const auto& choice = (*choices)[0];
    const auto message = choice.find("message");
    if (message == choice.end() || !message->is_object()) return std::unexpected("the answer's message has no content");
    const auto content = message->find("content");
    if (content == message->end() || !content->is_string()) return std::unexpected("the answer's message has no content");
    InferenceAnswer answer{content->get<std::string>(), {}};
    if (const auto usage = doc.find("usage"); usage != doc.end() && usage->is_object()) {
      answer.usage.prompt = token_count(*usage, "prompt_tokens");
      answer.usage.completion = token_count(*usage, "completion_tokens");
    }
    return answer;
  }

 private:
  std::string url_;
};

}  // namespace

std::unique_ptr<InferenceApi> make_openai_chat_api(const std::string& endpoint) { return std::make_unique<OpenAiChatApi>(endpoint); }

std::unique_ptr<InferenceApi> make_inference_api(ApiKind kind, const std::string& endpoint) {
  return kind == ApiKind::tgi ? make_text_generation_api(endpoint) : make_openai_chat_api(endpoint);
}

}  // namespace synthgen
