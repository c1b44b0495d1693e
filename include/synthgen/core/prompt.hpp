// Few-shot prompt templates: the built-in ones (compiled from config/prompts/) and a user's own.
// A template holds `{text}` where the target sentence goes, on a line of its own as `TEXT: {text}`,
// and may hold `{labels}` where the label names go.
#pragma once

#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace synthgen {

struct BuiltinPrompt {
  std::string_view name;  // "simple", "cot"
  std::string_view text;
};

// Defined in the file CMake generates from config/prompts/*.txt.
std::span<const BuiltinPrompt> builtin_prompt_table();

class PromptTemplate {
 public:
  // Fails when the text has no `{text}` placeholder.
  static std::expected<PromptTemplate, std::string> from_text(std::string text);
  static std::expected<PromptTemplate, std::string> builtin(std::string_view name);

  // The prompt for one sentence; line breaks inside the sentence become spaces so that the
  // sentence stays alone on its `TEXT:` line.
  [[nodiscard]] std::string render(std::string_view sentence) const;

  // The template with `{labels}` replaced by "a, b or c": for label sets other than sentiment.
  [[nodiscard]] PromptTemplate with_labels(const std::vector<std::string>& labels) const;

  // The template itself, for its checksum in the provenance.
  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  explicit PromptTemplate(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

}  // namespace synthgen
