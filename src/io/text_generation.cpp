// Raw text generation (TGI, Inference Endpoints, hf-inference): POST {endpoint} with the Mixtral
// chat template applied here, the provider's cache switched off both ways (body and header).
#include <fmt/format.h>

#include <optional>

#include "synthgen/core/json_paths.hpp"
#include "synthgen/io/body_template.hpp"
#include "synthgen/io/inference_api.hpp"

namespace synthgen {
namespace {

// `[{"generated_text": ...}]`, or TGI /generate's bare object: the text of the first item, or of the
// root object. Each item resets the text under it, so a repeated key counts the last time, as in a DOM.
class GeneratedTextReader {
 public:
  enum class Role { ignored, root, item, text };

  [[nodiscard]] Role member_role(Role object, std::string_view key) const {
    return (object == Role::root || object == Role::item) && key == "generated_text" ? Role::text : Role::ignored;
  }

  [[nodiscard]] Role element_role(Role array, std::size_t index) const {
    return array == Role::root && index == 0 ? Role::item : Role::ignored;
  }

  void value(Role role, const JsonValue& value) {
    if (role == Role::root || role == Role::item) text_.reset();
    if (role == Role::text) text_ = take_string(value);
  }

  [[nodiscard]] std::optional<std::string> text() && { return std::move(text_); }

 private:
  std::optional<std::string> text_;
};

class TextGenerationApi final : public InferenceApi {
 public:
  explicit TextGenerationApi(const std::string& endpoint) : url_(endpoint) {}

  [[nodiscard]] const std::string& url() const override { return url_; }
  [[nodiscard]] std::vector<std::string> extra_headers() const override { return {"x-use-cache: false"}; }

  // The prompt goes inside "<s>[INST] {prompt} [/INST]", whose ASCII ends leave its escaping unchanged.
  [[nodiscard]] std::string request_body(std::string_view prompt, const GenerationParams& p, std::uint32_t seed) const override {
    return template_.body(p, prompt, seed, [](const GenerationParams& params) {
      return BodyParts{
          R"({"inputs":"<s>[INST] )",
          fmt::format(
              R"( [/INST]","parameters":{{"temperature":{},"top_p":{},"max_new_tokens":{},"do_sample":true,"return_full_text":false,"seed":)",
              params.temperature, params.top_p, params.max_tokens),
          R"(},"options":{"use_cache":false,"wait_for_model":true}})"};
    });
  }

  [[nodiscard]] std::expected<InferenceAnswer, std::string> read_answer(std::string_view body) const override {
    GeneratedTextReader reader;
    if (read_json_paths(body, reader)) {
      if (auto text = std::move(reader).text()) return InferenceAnswer{std::move(*text), {}, {}};
    }
    return std::unexpected("the answer has no generated_text");
  }

 private:
  std::string url_;
  BodyTemplate template_;
};

}  // namespace

std::unique_ptr<InferenceApi> make_text_generation_api(const std::string& endpoint) {
  return std::make_unique<TextGenerationApi>(endpoint);
}

}  // namespace synthgen
