// Prompt templates and their rendering.
#include "synthgen/core/prompt.hpp"

#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

constexpr std::string_view placeholder = "{text}";

}  // namespace

std::expected<PromptTemplate, std::string> PromptTemplate::from_text(std::string text) {
  if (text.find(placeholder) == std::string::npos) {
    return std::unexpected("the prompt template has no {text} placeholder; put a line 'TEXT: {text}' where the sentence goes");
  }
  return PromptTemplate(std::move(text));
}

std::expected<PromptTemplate, std::string> PromptTemplate::builtin(std::string_view name) {
  std::string names;
  for (const auto& prompt : builtin_prompt_table()) {
    if (prompt.name == name) return from_text(std::string(prompt.text));
    names += (names.empty() ? "" : ", ") + std::string(prompt.name);
  }
  return std::unexpected("there is no built-in prompt '" + std::string(name) + "' (built-in: " + names + ")");
}

PromptTemplate PromptTemplate::with_labels(const std::vector<std::string>& labels) const {
  std::string names;
  for (std::size_t i = 0; i < labels.size(); ++i) names += (i == 0 ? "" : i + 1 == labels.size() ? " or " : ", ") + labels[i];
  std::string text = text_;
  constexpr std::string_view marker = "{labels}";
  for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + names.size()))
    text.replace(at, marker.size(), names);
  return PromptTemplate(std::move(text));
}

std::string PromptTemplate::render(std::string_view sentence) const {
  const auto target = single_line(trim(sentence));
  std::string out;
  out.reserve(text_.size() + target.size());
  std::string_view rest = text_;
  for (auto at = rest.find(placeholder); at != std::string_view::npos; at = rest.find(placeholder)) {
    out += rest.substr(0, at);
    out += target;
    rest.remove_prefix(at + placeholder.size());
  }
  out += rest;
  return out;
}

}  // namespace synthgen
