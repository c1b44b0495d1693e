// PhraseBank text, JSONL and CSV row parsers, with the line numbers their errors name.
#include "synthgen/core/dataset_text.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

const LabelSet labels = sentiment_labels();

TEST(PhraseBankText, SplitsOnTheLastAtAndDecodesLatin1) {
  const std::string text = "Sales @ EUR 3 rose@positive\r\nSepp\xE4l\xE4 kept it@neutral";
  const auto rows = parse_phrasebank_text(text, labels);
  ASSERT_TRUE(rows.has_value()) << rows.error();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].text, "Sales @ EUR 3 rose");
  EXPECT_EQ((*rows)[0].gold, 2);
  EXPECT_EQ((*rows)[1].text, "Sepp\xC3\xA4l\xC3\xA4 kept it");
  EXPECT_EQ((*rows)[1].gold, 1);
  EXPECT_EQ((*rows)[1].index, 1u);
}

TEST(PhraseBankText, AcceptsLfAndATrailingNewline) {
  const auto rows = parse_phrasebank_text("a@negative\nb@neutral\n", labels);
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(rows->size(), 2u);
}

TEST(PhraseBankText, NamesTheLineOfABadLabel) {
  const auto rows = parse_phrasebank_text("a@negative\nb@bullish\n", labels);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error(), "line 2: label 'bullish' is not one of negative, neutral, positive");
}

TEST(PhraseBankText, NamesTheLineWithoutAnAt) {
  const auto rows = parse_phrasebank_text("a@negative\nno separator\n", labels);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error(), "line 2: no '@' between sentence and label");
}

TEST(JsonlRows, ReadsIndexAndNameLabels) {
  const auto rows = parse_jsonl_rows("{\"sentence\": \"a\", \"label\": 0}\n\n{\"sentence\": \"b\", \"label\": \"Positive\"}\n", {}, labels);
  ASSERT_TRUE(rows.has_value()) << rows.error();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].gold, 0);
  EXPECT_EQ((*rows)[1].gold, 2);
  EXPECT_EQ((*rows)[1].index, 1u);
}

TEST(JsonlRows, CustomColumns) {
  const auto rows = parse_jsonl_rows(R"({"review": "fine", "stars": "neutral"})", {"review", "stars"}, labels);
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ((*rows)[0].text, "fine");
}

TEST(JsonlRows, NamesTheLineOfMalformedJson) {
  const auto rows = parse_jsonl_rows("{\"sentence\": \"a\", \"label\": 0}\n{\"sentence\": \"b\", \"label\n", {}, labels);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error(), "line 2: not a JSON object");
}

TEST(JsonlRows, MissingColumnListsTheColumnsThereAre) {
  const auto rows = parse_jsonl_rows(R"({"text": "a", "label": 0})", {}, labels);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error(), "line 1: no text column 'sentence' (columns: label, text); set --text-column");
}

TEST(JsonlRows, IndexOutOfRange) {
  const auto rows = parse_jsonl_rows(R"({"sentence": "a", "label": 3})", {}, labels);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error(), "line 1: label index 3 is outside 0..2");
}

TEST(CsvRows, ReadsHeaderAndRows) {
  const auto rows = parse_csv_rows("sentence,label\n\"Up, strongly\",positive\nflat,1\n", {}, labels);
  ASSERT_TRUE(rows.has_value()) << rows.error();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].text, "Up, strongly");
  EXPECT_EQ((*rows)[0].gold, 2);
  EXPECT_EQ((*rows)[1].gold, 1);
}

TEST(CsvRows, NamesTheLineOfAWrongFieldCount) {
  const auto rows = parse_csv_rows("sentence,label\na,positive\nb,neutral,extra\n", {}, labels);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error(), "line 3: 3 fields where the header has 2");
}

TEST(CsvRows, MissingLabelColumn) {
  const auto rows = parse_csv_rows("sentence,gold\na,positive\n", {}, labels);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error(), "line 1: no label column 'label' (columns: sentence, gold); set --label-column, or --labels for unlabeled data");
}

TEST(CsvRows, UnknownLabel) {
  const auto rows = parse_csv_rows("sentence,label\na,great\n", {}, labels);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error(), "line 2: label 'great' is not one of negative, neutral, positive");
}

}  // namespace
}  // namespace synthgen
