// RFC 4180 quoting on the way out, and the reader on the way in.
#include "synthgen/core/csv.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

std::string record(std::initializer_list<std::string_view> fields) {
  std::string out;
  append_csv_record(out, fields);
  return out;
}

TEST(CsvWriter, PlainFieldsAreNotQuoted) { EXPECT_EQ(record({"text", "labels"}), "text,labels\n"); }

TEST(CsvWriter, QuotesFieldsWithCommasQuotesAndLineBreaks) {
  EXPECT_EQ(record({"Sales rose 5 %, profit fell", "neutral"}), "\"Sales rose 5 %, profit fell\",neutral\n");
  EXPECT_EQ(record({"He said \"buy\"", "positive"}), "\"He said \"\"buy\"\"\",positive\n");
  EXPECT_EQ(record({"two\nlines", "x"}), "\"two\nlines\",x\n");
  EXPECT_EQ(record({"cr\rhere", "x"}), "\"cr\rhere\",x\n");
}

TEST(CsvWriter, KeepsUtf8AndSurroundingSpaceAsIs) { EXPECT_EQ(record({" Seppälä ", "neutral"}), " Seppälä ,neutral\n"); }

TEST(CsvReader, RoundTripsWhatTheWriterWrites) {
  std::string text;
  append_csv_record(text, {"text", "labels"});
  append_csv_record(text, {"a, \"quoted\"\nline", "positive"});
  const auto records = parse_csv(text);
  ASSERT_TRUE(records.has_value()) << records.error();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[1].fields, (std::vector<std::string>{"a, \"quoted\"\nline", "positive"}));
  EXPECT_EQ((*records)[1].line, 2u);
}

TEST(CsvReader, HandlesCrlfAndSkipsBlankLines) {
  const auto records = parse_csv("a,b\r\n\r\n1,2\r\n");
  ASSERT_TRUE(records.has_value());
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[1].fields, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ((*records)[1].line, 3u);
}

TEST(CsvReader, NamesTheLineOfAnUnclosedQuote) {
  const auto records = parse_csv("text,label\nok,1\n\"broken,2\nmore\n");
  ASSERT_FALSE(records.has_value());
  EXPECT_EQ(records.error(), "line 3: a quote is opened and never closed");
}

TEST(CsvReader, RejectsTextAfterAClosingQuote) {
  const auto records = parse_csv("\"a\"b,c\n");
  ASSERT_FALSE(records.has_value());
  EXPECT_EQ(records.error(), "line 1: text after a closing quote");
}

}  // namespace
}  // namespace synthgen
