// Turns a model's answer into a vote for one label, or into "no vote" when the answer does not
// name exactly one label. Counting non-answers as labels is a known defect of peers; here it is
// an explicit outcome.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "synthgen/core/labels.hpp"

namespace synthgen {

enum class ParserKind {
  strict,  // a label word alone (any case, surrounding space/punctuation), or the JSON "label" field
  legacy,  // the notebook's rule: case-insensitive substring, positive > negative > neutral
};

enum class AnswerFormat {
  label_word,   // the simple prompt: the answer is a label word
  json_object,  // the chain-of-thought prompt: {"reason": ..., "label": ...}, maybe in prose or a fence
};

struct ParsedAnswer {
  std::optional<LabelId> label;  // empty: no vote
  std::string reason;            // the JSON "reason" field, when there is one
  bool has_text = true;          // false: the answer is all reasoning (a <think> never closed)
};

// Reads the answer after a leading <think>...</think> block (reasoning models: DeepSeek-R1, Qwen3).
ParsedAnswer parse_answer(std::string_view answer, const LabelSet& labels, ParserKind parser, AnswerFormat format);

// The answer text after a leading reasoning block (whitespace before it allowed), or nothing when the
// block never closes: the model was cut, or stopped, inside its reasoning.
std::optional<std::string_view> text_after_thinking(std::string_view answer);

// The strict rule for a bare label word, exposed for the JSON label field and for tests.
std::optional<LabelId> parse_label_word(std::string_view text, const LabelSet& labels);

}  // namespace synthgen
