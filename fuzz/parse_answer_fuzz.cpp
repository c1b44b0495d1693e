// Fuzzes parse_answer with every parser (strict, legacy) and answer format (label word, JSON object).
#include "fuzz_support.hpp"
#include "synthgen/core/label_parser.hpp"

using namespace synthgen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto answer = fuzz::as_text(data, size);
  static const auto labels = sentiment_labels();
  for (const auto parser : {ParserKind::strict, ParserKind::legacy}) {
    for (const auto format : {AnswerFormat::label_word, AnswerFormat::json_object}) {
      const auto parsed = parse_answer(answer, labels, parser, format);
      fuzz::require(!parsed.label || (*parsed.label >= 0 && static_cast<std::size_t>(*parsed.label) < labels.size()),
                    "parse_answer returned a label outside the label set");
    }
  }
  if (const auto word = parse_label_word(answer, labels)) {
    fuzz::require(*word >= 0 && static_cast<std::size_t>(*word) < labels.size(), "parse_label_word returned a bad label");
  }
  return 0;
}
