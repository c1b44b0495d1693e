// OpenAI-compatible chat completions (HF router, TGI, vLLM, llama.cpp, Ollama, OpenAI):
// POST {endpoint}/chat/completions, one request per vote since `n` > 1 is not portable.
#include <fmt/format.h>

#include <optional>

#include "synthgen/core/json_paths.hpp"
#include "synthgen/io/body_template.hpp"
#include "synthgen/io/inference_api.hpp"

namespace synthgen {
namespace {

// A usage count: a whole number from 0 to 2^31 - 1, else 0 (servers send null, or nothing sensible).
long token_count(const JsonValue& value) {
  if (value.kind != JsonKind::unsigned_integer || value.unsigned_value > 0x7fffffffu) return 0;
  return static_cast<long>(value.unsigned_value);
}

// What read_answer needs from a chat completion: choices[0].message.content and usage's two counts.
// Each value resets what lies under it, so a repeated key counts once, the last time, as in a DOM.
class ChatAnswerReader {
 public:
  enum class Role { ignored, root, choices, choice, message, content, usage, prompt_tokens, completion_tokens };

  [[nodiscard]] Role member_role(Role object, std::string_view key) const {
    if (object == Role::root) return key == "choices" ? Role::choices : key == "usage" ? Role::usage : Role::ignored;
    if (object == Role::choice && key == "message") return Role::message;
    if (object == Role::message && key == "content") return Role::content;
    if (object == Role::usage) {
      return key == "prompt_tokens" ? Role::prompt_tokens : key == "completion_tokens" ? Role::completion_tokens : Role::ignored;
    }
    return Role::ignored;
  }

  [[nodiscard]] Role element_role(Role array, std::size_t index) const {
    return array == Role::choices && index == 0 ? Role::choice : Role::ignored;
  }

  void value(Role role, const JsonValue& value) {
    if (role == Role::choices || role == Role::choice || role == Role::message) content_.reset();
    switch (role) {
      case Role::root: root_is_object_ = value.kind == JsonKind::object; break;
      case Role::choices: choice_is_object_ = false; break;
      case Role::choice: choice_is_object_ = value.kind == JsonKind::object; break;
      case Role::content: content_ = take_string(value); break;
      case Role::usage: usage_ = {}; break;
      case Role::prompt_tokens: usage_.prompt = token_count(value); break;
      case Role::completion_tokens: usage_.completion = token_count(value); break;
      case Role::message:
      case Role::ignored: break;
    }
  }

  [[nodiscard]] std::expected<InferenceAnswer, std::string> answer() && {
    if (!root_is_object_) return std::unexpected("the answer is not a JSON object");
    if (!choice_is_object_) return std::unexpected("the answer has no choices");
    if (!content_) return std::unexpected("the answer's message has no content");
    return InferenceAnswer{std::move(*content_), usage_};
  }

 private:
  bool root_is_object_ = false;
  bool choice_is_object_ = false;  // choices is an array whose first element is an object
  std::optional<std::string> content_;
  TokenUsage usage_;
};

class OpenAiChatApi final : public InferenceApi {
 public:
  explicit OpenAiChatApi(const std::string& endpoint) : url_(endpoint + "/chat/completions") {}

  [[nodiscard]] const std::string& url() const override { return url_; }
  [[nodiscard]] std::vector<std::string> extra_headers() const override { return {}; }

  // {"model":M,"messages":[{"role":"user","content":PROMPT}],"temperature":T,"top_p":P,"max_tokens":N,"seed":S}
  [[nodiscard]] std::string request_body(std::string_view prompt, const GenerationParams& p, std::uint32_t seed) const override {
    return template_.body(p, prompt, seed, [](const GenerationParams& params) {
      std::string model = R"({"model":)";
      append_json_string(model, params.model);
      return BodyParts{
          model + R"(,"messages":[{"role":"user","content":")",
          fmt::format(R"("}}],"temperature":{},"top_p":{},"max_tokens":{},"seed":)", params.temperature, params.top_p, params.max_tokens),
          "}"};
    });
  }

  // Parse errors and wrong shapes are both a bad answer; a deeply nested body is neither copied nor
  // walked recursively, so it cannot overflow the stack.
  [[nodiscard]] std::expected<InferenceAnswer, std::string> read_answer(std::string_view body) const override {
    ChatAnswerReader reader;
    if (!read_json_paths(body, reader)) return std::unexpected("the answer is not a JSON object");
    return std::move(reader).answer();
  }

 private:
  std::string url_;
  BodyTemplate template_;
};

}  // namespace

std::unique_ptr<InferenceApi> make_openai_chat_api(const std::string& endpoint) { return std::make_unique<OpenAiChatApi>(endpoint); }

}  // namespace synthgen
