// Raw text generation (TGI, Inference Endpoints, hf-inference): POST {endpoint} with the Mixtral
// chat template applied here, the provider's cache switched off both ways (body and header).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "synthgen/io/inference_api.hpp"

namespace synthgen {
namespace {

std::string mixtral_chat(std::string_view prompt) { return "<s>[INST] " + std::string(prompt) + " [/INST]"; }

std::optional<std::string> generated_text(const nlohmann::json& item) {
  if (!item.is_object()) return std::nullopt;
  const auto text = item.find("generated_text");
  if (text == item.end() || !text->is_string()) return std::nullopt;
  return text->get<std::string>();
}

class TextGenerationApi final : public InferenceApi {
 public:
  explicit TextGenerationApi(const std::string& endpoint) : url_(endpoint) {}

  [[nodiscard]] const std::string& url() const override { return url_; }
  [[nodiscard]] std::vector<std::string> extra_headers() const override { return {"x-use-cache: false"}; }

  [[nodiscard]] std::string request_body(std::string_view prompt, const GenerationParams& p, std::uint32_t seed) const override {
    return fmt::format(
        R"({{"inputs":{},"parameters":{{"temperature":{},"top_p":{},"max_new_tokens":{},"do_sample":true,"return_full_text":false,"seed":{}}},"options":{{"use_cache":false,"wait_for_model":true}}}})",
        json_string(mixtral_chat(prompt)), p.temperature, p.top_p, p.max_tokens, seed);
  }

  // `[{"generated_text": ...}]`, or TGI /generate's bare object.
  [[nodiscard]] std::expected<InferenceAnswer, std::string> read_answer(std::string_view body) const override {
    const auto doc = nlohmann::json::parse(body, nullptr, false);
    const auto& item = (doc.is_array() && !doc.empty()) ? doc[0] : doc;
    if (auto text = generated_text(item)) return InferenceAnswer{std::move(*text), {}};
    return std::unexpected("the answer has no generated_text");
  }

 private:
  std::string url_;
};

}  // namespace

std::unique_ptr<InferenceApi> make_text_generation_api(const std::string& endpoint) {
  return std::make_unique<TextGenerationApi>(endpoint);
}

}  // namespace synthgen
