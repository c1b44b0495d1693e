// The strict and legacy label parsers. Strict accepts only an answer that names one label and
// nothing else ("Positive.", " neutral\n", {"label": "Negative"}); hedges such as "not positive",
// "neutral leaning towards positive", "n/a" or "none" are no vote.
#include "synthgen/core/label_parser.hpp"

#include <nlohmann/json.hpp>

#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

bool is_decoration(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '"':
    case '\'':
    case '`':
    case '*':
    case '_':
    case '.':
    case ',':
    case '!':
    case ';':
    case ':':
    case '(':
    case ')':
    case '[':
    case ']': return true;
    default: return false;
  }
}

std::string_view strip_decoration(std::string_view text) {
  while (!text.empty() && is_decoration(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_decoration(text.back())) text.remove_suffix(1);
  return text;
}

std::string_view first_line(std::string_view text) { return text.substr(0, text.find('\n')); }

// "Label: positive" -> "positive".
std::string_view drop_label_prefix(std::string_view text) {
  auto stripped = strip_decoration(text);
  if (starts_with_icase(stripped, "label")) {
    auto rest = trim(stripped.substr(5));
    if (!rest.empty() && rest.front() == ':') return rest.substr(1);
  }
  return text;
}

// "Positive. The company grew." -> "Positive": a label that ends a sentence, prose after it.
std::string_view leading_sentence(std::string_view line) {
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    if ((line[i] == '.' || line[i] == '!') && line[i + 1] == ' ') return line.substr(0, i);
  }
  return line;
}

// Index one past the '}' that closes the object opening at text[open], or npos.
std::size_t matching_brace(std::string_view text, std::size_t open) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '{')
      ++depth;
    else if (c == '}' && --depth == 0)
      return i + 1;
  }
  return std::string_view::npos;
}

// The first JSON object in the text that has a "label" key (prose and code fences around it are fine).
std::optional<nlohmann::json> find_label_object(std::string_view text) {
  for (auto open = text.find('{'); open != std::string_view::npos; open = text.find('{', open + 1)) {
    const auto end = matching_brace(text, open);
    if (end == std::string_view::npos) continue;
    auto value = nlohmann::json::parse(text.substr(open, end - open), nullptr, false);
    if (value.is_object() && value.contains("label")) return value;
  }
  return std::nullopt;
}

std::optional<LabelId> legacy_substring_rule(std::string_view text, const LabelSet& labels) {
  const auto lowered = to_lower_ascii(text);
  for (const char* word : {"positive", "negative", "neutral"}) {
    if (auto id = labels.find(word); id && lowered.find(word) != std::string::npos) return id;
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (lowered.find(to_lower_ascii(labels.names[i])) != std::string::npos) return static_cast<LabelId>(i);
  }
  return std::nullopt;
}

std::string string_field(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return (it != object.end() && it->is_string()) ? it->get<std::string>() : std::string{};
}

}  // namespace

std::optional<LabelId> parse_label_word(std::string_view text, const LabelSet& labels) {
  const auto line = first_line(trim(drop_label_prefix(trim(text))));
  if (auto id = labels.find(strip_decoration(line))) return id;
  return labels.find(strip_decoration(leading_sentence(strip_decoration(line))));
}

std::optional<std::string_view> text_after_thinking(std::string_view answer) {
  constexpr std::string_view open = "<think>";
  constexpr std::string_view close = "</think>";
  const auto start = answer.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || answer.substr(start, open.size()) != open) return answer;
  const auto end = answer.find(close, start + open.size());
  if (end == std::string_view::npos) return std::nullopt;
  return answer.substr(end + close.size());
}

ParsedAnswer parse_answer(std::string_view full_answer, const LabelSet& labels, ParserKind parser, AnswerFormat format) {
  ParsedAnswer parsed;
  const auto visible = text_after_thinking(full_answer);
  if (!visible) {
    parsed.has_text = false;
    return parsed;
  }
  const auto answer = *visible;
  std::optional<nlohmann::json> object;
  if (format == AnswerFormat::json_object) object = find_label_object(answer);
  if (object) {
    parsed.reason = string_field(*object, "reason");
    const auto label = string_field(*object, "label");
    parsed.label = parser == ParserKind::legacy ? legacy_substring_rule(label, labels) : labels.find(strip_decoration(trim(label)));
    return parsed;
  }
  parsed.label = parser == ParserKind::legacy ? legacy_substring_rule(answer, labels) : parse_label_word(answer, labels);
  return parsed;
}

}  // namespace synthgen
