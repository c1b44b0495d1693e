// OpenAI-compatible chat completions (HF router, TGI, vLLM, llama.cpp, Ollama, OpenAI):
// POST {endpoint}/chat/completions, one request per vote since `n` > 1 is not portable.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "synthgen/io/inference_api.hpp"

namespace synthgen {
namespace {

class OpenAiChatApi final : public InferenceApi {
 public:
  explicit OpenAiChatApi(const std::string& endpoint) : url_(endpoint + "/chat/completions") {}

  [[nodiscard]] const std::string& url() const override { return url_; }
  [[nodiscard]] std::vector<std::string> extra_headers() const override { return {}; }

  [[nodiscard]] std::string request_body(std::string_view prompt, const GenerationParams& p, std::uint32_t seed) const override {
    return fmt::format(R"({{"model":{},"messages":[{{"role":"user","content":{}}}],"temperature":{},"top_p":{},"max_tokens":{},"seed":{}}})",
                       json_string(p.model), json_string(prompt), p.temperature, p.top_p, p.max_tokens, seed);
  }

  [[nodiscard]] std::expected<InferenceAnswer, std::string> read_answer(std::string_view body) const override {
    const auto doc = nlohmann::json::parse(body, nullptr, false);
    if (!doc.is_object()) return std::unexpected("the answer is not a JSON object");
    const auto choices = doc.find("choices");
    if (choices == doc.end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
      return std::unexpected("the answer has no choices");
    }
    const auto& message = (*choices)[0].value("message", nlohmann::json::object());
    const auto content = message.find("content");
    if (content == message.end() || !content->is_string()) return std::unexpected("the answer's message has no content");
    InferenceAnswer answer{content->get<std::string>(), {}};
    if (const auto usage = doc.find("usage"); usage != doc.end() && usage->is_object()) {
      answer.usage.prompt = usage->value("prompt_tokens", 0L);
      answer.usage.completion = usage->value("completion_tokens", 0L);
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
