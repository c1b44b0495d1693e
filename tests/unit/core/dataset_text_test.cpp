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
  EXPECT_EQ(rows.error(), "line 1: label index 3 is outside 0..2 (negative, neutral, positive)");
}

const LabelSet numeric{{"1", "2", "3"}};
ColumnNames with_labels() {
  ColumnNames columns;
  columns.label_optional = columns.numbers_are_names = true;
  return columns;
}

TEST(JsonlRows, WithLabelsANumberIsANameAsInCsv) {
  const auto jsonl =
      parse_jsonl_rows("{\"sentence\": \"a\", \"label\": 1}\n{\"sentence\": \"b\", \"label\": \"3\"}\n", with_labels(), numeric);
  const auto csv = parse_csv_rows("sentence,label\na,1\nb,3\n", with_labels(), numeric);
  ASSERT_TRUE(jsonl.has_value()) << jsonl.error();
  ASSERT_TRUE(csv.has_value()) << csv.error();
  EXPECT_EQ((*jsonl)[0].gold, 0) << "1 is the name '1', the first label, not the index of '2'";
  EXPECT_EQ((*jsonl)[1].gold, 2);
  EXPECT_EQ((*csv)[0].gold, (*jsonl)[0].gold);
  EXPECT_EQ((*csv)[1].gold, (*jsonl)[1].gold);
}

TEST(JsonlRows, WithLabelsANumberThatIsNoNameIsAnError) {
  const LabelSet words{{"bad", "good"}};
  const auto jsonl = parse_jsonl_rows(R"({"sentence": "a", "label": 1})", with_labels(), words);
  ASSERT_FALSE(jsonl.has_value());
  EXPECT_EQ(jsonl.error(), "line 1: label 1 is not one of bad, good (with --labels a number is a label name, not an index)");
  const auto csv = parse_csv_rows("sentence,label\na,0\n", with_labels(), words);
  ASSERT_FALSE(csv.has_value());
  EXPECT_EQ(csv.error(), "line 2: label 0 is not one of bad, good (with --labels a number is a label name, not an index)");
  const auto fraction = parse_jsonl_rows(R"({"sentence": "a", "label": 1.5})", with_labels(), numeric);
  ASSERT_FALSE(fraction.has_value());
  EXPECT_EQ(fraction.error(), "line 1: label 1.5 is not one of 1, 2, 3 (with --labels a number is a label name, not an index)");
}

TEST(JsonlRows, WithoutLabelsANumberIsAnIndexInJsonlAndCsvAlike) {
  const auto jsonl = parse_jsonl_rows(R"({"sentence": "a", "label": 2})", {}, labels);
  const auto csv = parse_csv_rows("sentence,label\na, 2\n", {}, labels);
  ASSERT_TRUE(jsonl.has_value()) << jsonl.error();
  ASSERT_TRUE(csv.has_value()) << csv.error();
  EXPECT_EQ((*jsonl)[0].gold, 2);
  EXPECT_EQ((*csv)[0].gold, 2);
  const auto fraction = parse_jsonl_rows(R"({"sentence": "a", "label": 1.0})", {}, labels);
  ASSERT_FALSE(fraction.has_value());
  EXPECT_EQ(fraction.error(), "line 1: label 1.0 is neither a name nor a whole-number index");
  const auto csv_far = parse_csv_rows("sentence,label\na,7\n", {}, labels);
  ASSERT_FALSE(csv_far.has_value());
  EXPECT_EQ(csv_far.error(), "line 2: label index 7 is outside 0..2 (negative, neutral, positive)");
}

TEST(JsonlRows, ABomIsSkippedAndBadBytesNameTheLine) {
  const auto rows = parse_jsonl_rows("\xEF\xBB\xBF{\"sentence\": \"a\", \"label\": 0}\n", {}, labels);
  ASSERT_TRUE(rows.has_value()) << rows.error();
  EXPECT_EQ(rows->size(), 1u);
  const auto bad = parse_jsonl_rows("{\"sentence\": \"a\", \"label\": 0}\n{\"sentence\": \"caf\xE9\", \"label\": 0}\n", {}, labels);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(), "line 2: byte 0xE9 at column 18 is not UTF-8; save the file as UTF-8");
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

TEST(CsvRows, ABomBeforeTheHeaderIsSkipped) {
  const auto rows = parse_csv_rows("\xEF\xBB\xBFsentence,label\r\na,positive\r\n", {}, labels);
  ASSERT_TRUE(rows.has_value()) << rows.error();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].text, "a");
}

TEST(CsvRows, BytesThatAreNotUtf8NameTheLine) {
  const auto rows = parse_csv_rows("sentence,label\r\nfine,positive\r\n\"It\x92s\",neutral\r\n", {}, labels);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error(), "line 3: byte 0x92 at column 4 is not UTF-8; save the file as UTF-8");
}

TEST(CsvRows, UnknownLabel) {
  const auto rows = parse_csv_rows("sentence,label\na,great\n", {}, labels);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error(), "line 2: label 'great' is not one of negative, neutral, positive");
}

}  // namespace
}  // namespace synthgen
