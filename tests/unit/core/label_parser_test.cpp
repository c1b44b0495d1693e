// The strict and legacy parsers against every real Mixtral output quoted in wire-formats section 1.
#include "synthgen/core/label_parser.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

const LabelSet labels = sentiment_labels();
constexpr LabelId negative = 0;
constexpr LabelId neutral = 1;
constexpr LabelId positive = 2;

std::optional<LabelId> strict_word(std::string_view answer) {
  return parse_answer(answer, labels, ParserKind::strict, AnswerFormat::label_word).label;
}
std::optional<LabelId> strict_json(std::string_view answer) {
  return parse_answer(answer, labels, ParserKind::strict, AnswerFormat::json_object).label;
}
std::optional<LabelId> legacy_word(std::string_view answer) {
  return parse_answer(answer, labels, ParserKind::legacy, AnswerFormat::label_word).label;
}

TEST(StrictParser, AcceptsALabelWordInAnyCaseWithSpaceAndPunctuation) {
  EXPECT_EQ(strict_word(" Neutral"), neutral);
  EXPECT_EQ(strict_word("positive"), positive);
  EXPECT_EQ(strict_word("NEGATIVE."), negative);
  EXPECT_EQ(strict_word("\"Positive\"\n"), positive);
  EXPECT_EQ(strict_word("**Neutral**"), neutral);
  EXPECT_EQ(strict_word("Label: Positive"), positive);
}

TEST(StrictParser, AcceptsALabelFollowedByAnExplanation) {
  EXPECT_EQ(strict_word(" Neutral\n\nThe sentence states a fact."), neutral);
  EXPECT_EQ(strict_word("Positive. Sales grew strongly."), positive);
}

TEST(StrictParser, HedgesAndNonAnswersAreNoVote) {
  for (const auto* answer : {"not positive", "n/a", "none", "neutral leaning towards positive", "slightly positive", "not_applicable",
                             "cannot be labeled", "", "   ", "positive/negative", "Mixed"}) {
    EXPECT_EQ(strict_word(answer), std::nullopt) << answer;
  }
}

TEST(StrictParser, ReadsTheJsonLabelField) {
  EXPECT_EQ(strict_json(R"({"reason": "Profit rose.", "label": "positive"})"), positive);
  EXPECT_EQ(strict_json(R"({"reason": "x", "label": " Neutral"})"), neutral);
}

TEST(StrictParser, FindsJsonInsideProseOrACodeFence) {
  EXPECT_EQ(strict_json("Here is my answer:\n```json\n{\"reason\": \"Loss widened {a lot}.\", \"label\": \"negative\"}\n```"), negative);
  EXPECT_EQ(strict_json("Sure! {\"reason\": \"It is a date.\", \"label\": \"Neutral\"} Hope this helps."), neutral);
}

TEST(StrictParser, JsonLabelValuesThatHedgeAreNoVote) {
  for (const auto* value :
       {"neutral leaning towards positive", "slightly positive", "n/a", "none", "not_applicable", "cannot be labeled"}) {
    const auto answer = std::string(R"({"reason": "r", "label": ")") + value + "\"}";
    EXPECT_EQ(strict_json(answer), std::nullopt) << value;
  }
  EXPECT_EQ(strict_json(R"({"reason": "r", "label": null})"), std::nullopt);
}

TEST(StrictParser, KeepsTheReason) {
  const auto parsed =
      parse_answer(R"({"reason": "Sales doubled.", "label": "positive"})", labels, ParserKind::strict, AnswerFormat::json_object);
  EXPECT_EQ(parsed.reason, "Sales doubled.");
}

TEST(StrictParser, CotAnswerWithoutJsonFallsBackToTheWordRule) {
  EXPECT_EQ(strict_json(" Positive"), positive);
  EXPECT_EQ(strict_json("{\"reason\": \"cut off before the lab"), std::nullopt);
}

TEST(LegacyParser, IsTheNotebooksSubstringRule) {
  EXPECT_EQ(legacy_word("not positive"), positive);
  EXPECT_EQ(legacy_word("neutral leaning towards positive"), positive);
  EXPECT_EQ(legacy_word("negative, not neutral"), negative);
  EXPECT_EQ(legacy_word(" Neutral"), neutral);
  EXPECT_EQ(legacy_word("n/a"), std::nullopt);
}

TEST(LegacyParser, AppliesToTheJsonLabelField) {
  const auto parsed = parse_answer(R"({"reason": "positive outlook", "label": "slightly negative"})", labels, ParserKind::legacy,
                                   AnswerFormat::json_object);
  EXPECT_EQ(parsed.label, negative);
}

// Reasoning models (DeepSeek-R1, Qwen3 through the HF router) write <think>...</think> before the
// answer; the words in the reasoning are not the answer.
TEST(ThinkBlock, ALeadingThinkBlockIsSkippedByEveryParser) {
  EXPECT_EQ(strict_word("<think>\nPositive or negative? The company grew.\n</think>\n\nNegative"), negative);
  EXPECT_EQ(strict_word("\n <think>positive</think> neutral"), neutral);
  EXPECT_EQ(strict_json("<think>{\"label\": \"negative\"}</think>\n{\"reason\": \"r\", \"label\": \"positive\"}"), positive);
  EXPECT_EQ(legacy_word("<think>It is not negative.</think>neutral"), neutral) << "the notebook's rule would say negative";
  EXPECT_EQ(strict_word("<think></think>positive"), positive);
  EXPECT_EQ(strict_word("<think>a</think>"), std::nullopt);
}

TEST(ThinkBlock, OnlyALeadingBlockAndOnlyTheFirstCloseCount) {
  EXPECT_EQ(strict_word("positive <think>negative</think>"), std::nullopt) << "a block later is text like any other";
  EXPECT_EQ(strict_word("<think>a</think>positive</think>"), std::nullopt);
  EXPECT_EQ(strict_word("<THINK>a</THINK>positive"), std::nullopt) << "the tag is lowercase as the models write it";
  EXPECT_EQ(text_after_thinking("x<think>y</think>z"), "x<think>y</think>z");
  EXPECT_EQ(text_after_thinking("<think>y</think>z"), "z");
  EXPECT_EQ(text_after_thinking(""), "");
}

TEST(ThinkBlock, AnUnclosedBlockHasNoText) {
  const auto parsed = parse_answer("<think>\nThe label is positive, but first", labels, ParserKind::legacy, AnswerFormat::label_word);
  EXPECT_FALSE(parsed.label.has_value()) << "the reasoning's words are no answer, even to the substring rule";
  EXPECT_FALSE(parsed.has_text);
  EXPECT_EQ(text_after_thinking("  <think>positive"), std::nullopt);
  EXPECT_TRUE(parse_answer("n/a", labels, ParserKind::strict, AnswerFormat::label_word).has_text);
}

TEST(ParseLabelWord, WorksForAnyLabelSet) {
  const LabelSet topics{{"sports", "politics"}};
  EXPECT_EQ(parse_label_word(" Politics.", topics), 1);
  EXPECT_EQ(parse_label_word("positive", topics), std::nullopt);
}

}  // namespace
}  // namespace synthgen
