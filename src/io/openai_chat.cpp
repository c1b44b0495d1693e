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

// What read_answer needs from a chat completion: choices[0].message.content, choices[0].finish_reason
// and usage's two counts. Content is a string, null (tool calls, reasoning only), absent, or a list
// of parts (Mistral's reasoning models: {"type":"thinking",..}, {"type":"text","text":..}) whose
// text parts are the answer. Each value resets what lies under it, so a repeated key counts once,
// the last time, as in a DOM.
class ChatAnswerReader {
 public:
  enum class Role {
    ignored,
    root,
    choices,
    choice,
    finish_reason,
    message,
    content,
    part,
    part_type,
    part_text,
    usage,
    prompt_tokens,
    completion_tokens
  };

  [[nodiscard]] Role member_role(Role object, std::string_view key) const {
    switch (object) {
      case Role::root: return key == "choices" ? Role::choices : key == "usage" ? Role::usage : Role::ignored;
      case Role::choice: return key == "message" ? Role::message : key == "finish_reason" ? Role::finish_reason : Role::ignored;
      case Role::message: return key == "content" ? Role::content : Role::ignored;
      case Role::part: return key == "type" ? Role::part_type : key == "text" ? Role::part_text : Role::ignored;
      case Role::usage:
        return key == "prompt_tokens" ? Role::prompt_tokens : key == "completion_tokens" ? Role::completion_tokens : Role::ignored;
      default: return Role::ignored;
    }
  }

  [[nodiscard]] Role element_role(Role array, std::size_t index) const {
    if (array == Role::choices && index == 0) return Role::choice;
    return array == Role::content ? Role::part : Role::ignored;
  }

  void value(Role role, const JsonValue& value) {
    switch (role) {
      case Role::root: root_is_object_ = value.kind == JsonKind::object; break;
      case Role::choices:
        choice_is_object_ = false;
        reset_choice();
        break;
      case Role::choice:
        choice_is_object_ = value.kind == JsonKind::object;
        reset_choice();
        break;
      case Role::finish_reason: cut_ = value.kind == JsonKind::string && *value.text == "length"; break;
      case Role::message:
        message_is_object_ = value.kind == JsonKind::object;
        reset_content();
        break;
      case Role::content: set_content(value); break;
      case Role::part:
        end_part();
        in_part_ = true;
        break;
      case Role::part_type: part_is_text_ = value.kind == JsonKind::string && *value.text == "text"; break;
      case Role::part_text:
        has_part_text_ = value.kind == JsonKind::string;
        part_text_ = has_part_text_ ? std::move(*value.text) : std::string();
        break;
      case Role::usage: usage_ = {}; break;
      case Role::prompt_tokens: usage_.prompt = token_count(value); break;
      case Role::completion_tokens: usage_.completion = token_count(value); break;
      case Role::ignored: break;
    }
  }

  [[nodiscard]] std::expected<InferenceAnswer, std::string> answer() && {
    if (!root_is_object_) return std::unexpected("the answer is not a JSON object");
    if (!choice_is_object_) return std::unexpected("the answer has no choices");
    if (!message_is_object_ || content_ == Content::other) return std::unexpected("the answer's message has no content");
    end_part();
    InferenceAnswer answer{std::move(text_), usage_, {}};
    if (content_ == Content::none || (content_ == Content::parts && !any_text_part_)) answer.no_text = "no_text";
    if (cut_) answer.no_text = "length";
    return answer;
  }

  [[nodiscard]] TokenUsage usage() const { return usage_; }

 private:
  enum class Content { none, text, parts, other };  // none: null or absent

  void reset_choice() {
    cut_ = false;
    message_is_object_ = false;
    reset_content();
  }

  void reset_content() {
    content_ = Content::none;
    text_.clear();
    any_text_part_ = false;
    in_part_ = false;
    has_part_text_ = false;
    part_text_.clear();
  }

  void set_content(const JsonValue& value) {
    reset_content();
    if (value.kind == JsonKind::string) {
      content_ = Content::text;
      text_ = std::move(*value.text);
    } else if (value.kind == JsonKind::array) {
      content_ = Content::parts;
    } else if (value.kind != JsonKind::null) {
      content_ = Content::other;
    }
  }

  // The text parts, concatenated as they come; the thinking parts and anything else are left out.
  void end_part() {
    if (in_part_ && part_is_text_ && has_part_text_) {
      text_ += part_text_;
      any_text_part_ = true;
    }
    in_part_ = false;
    part_is_text_ = false;
    has_part_text_ = false;
    part_text_.clear();
  }

  bool root_is_object_ = false;
  bool choice_is_object_ = false;  // choices is an array whose first element is an object
  bool message_is_object_ = false;
  bool cut_ = false;  // finish_reason "length": the answer stopped at max_tokens
  Content content_ = Content::none;
  std::string text_;
  bool any_text_part_ = false;
  bool in_part_ = false;
  bool part_is_text_ = false;
  // Plain members, no std::optional: clang-tidy's optional-access analysis takes minutes over this
  // reader's switch once it is instantiated in the SAX walk.
  bool has_part_text_ = false;
  std::string part_text_;
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

  // What was read of usage before the body ended or broke.
  [[nodiscard]] TokenUsage billed_usage(std::string_view body) const override {
    ChatAnswerReader reader;
    (void)read_json_paths(body, reader);
    return reader.usage();
  }

 private:
  std::string url_;
  BodyTemplate template_;
};

}  // namespace

std::unique_ptr<InferenceApi> make_openai_chat_api(const std::string& endpoint) { return std::make_unique<OpenAiChatApi>(endpoint); }

}  // namespace synthgen
