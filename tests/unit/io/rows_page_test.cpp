// The dataset viewer's /rows page: its shape, and bodies that must be an input error, never an
// exception or a crash (fuzz/rows_page_fuzz.cpp found the ones marked so).
#include "synthgen/io/rows_page.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

const ColumnNames columns{};  // sentence, label

std::string page_with(const std::string& features, const std::string& rows, const std::string& total = "2264") {
  return R"({"features":)" + features + R"(,"rows":)" + rows + R"(,"num_rows_total":)" + total +
         R"(,"num_rows_per_page":100,"partial":false})";
}

const std::string class_label_features = R"([{"feature_idx":0,"name":"sentence","type":{"dtype":"string","_type":"Value"}},)"
                                         R"({"feature_idx":1,"name":"label","type":{"names":["bad","good"],"_type":"ClassLabel"}}])";

TEST(RowsPage, ReadsTheViewersShape) {
  const auto page =
      parse_rows_page(page_with(class_label_features, R"([{"row_idx":100,"row":{"sentence":"Up.","label":1},"truncated_cells":[]},
                                                                        {"row_idx":101,"row":{"sentence":"No label.","label":-1},"truncated_cells":[]}])"),
                      columns);
  ASSERT_TRUE(page.has_value()) << page.error();
  EXPECT_TRUE(page->layout.class_label);
  EXPECT_EQ(page->layout.labels.names, (std::vector<std::string>{"bad", "good"}));
  EXPECT_EQ(page->total, 2264u);
  ASSERT_EQ(page->rows.size(), 2u);
  EXPECT_EQ(page->rows[0].index, 100u);
  EXPECT_EQ(page->rows[0].text, "Up.");
  EXPECT_EQ(page->rows[0].gold, 1);
  EXPECT_EQ(page->rows[1].gold, std::nullopt);
}

TEST(RowsPage, StringLabelsUseTheSentimentNames) {
  const auto page = parse_rows_page(page_with(R"([{"name":"sentence","type":{"_type":"Value"}},{"name":"label","type":"string"}])",
                                              R"([{"row_idx":0,"row":{"sentence":"Down.","label":" Negative"}}])"),
                                    columns);
  ASSERT_TRUE(page.has_value()) << page.error();
  EXPECT_FALSE(page->layout.class_label);
  EXPECT_EQ(page->rows[0].gold, 0);
}

// Found by fuzzing: value() threw nlohmann's type_error on these, and synthgen exited 1 ("a bug")
// instead of reporting the page, or falling back to the Hub zip for Financial PhraseBank.
TEST(RowsPage, WithLabelsANumberOutsideAClassLabelIsAName) {
  ColumnNames given;
  given.label_optional = given.numbers_are_names = true;
  const auto features = std::string(R"([{"name":"sentence","type":{"_type":"Value"}},{"name":"label","type":{"dtype":"int64"}}])");
  const auto page =
      parse_rows_page(page_with(features, R"([{"row_idx":0,"row":{"sentence":"a","label":1}}])"), given, LabelSet{{"1", "2", "3"}});
  ASSERT_TRUE(page.has_value()) << page.error();
  EXPECT_EQ(page->rows[0].gold, 0) << "the label named 1, not index 1";
  const auto unknown =
      parse_rows_page(page_with(features, R"([{"row_idx":4,"row":{"sentence":"a","label":0}}])"), given, LabelSet{{"1", "2", "3"}});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error(), "row 4: label 0 is not one of 1, 2, 3 (with --labels a number is a label name, not an index)");
}

TEST(RowsPage, AClassLabelIndexStaysAnIndexWithLabels) {
  ColumnNames given;
  given.label_optional = given.numbers_are_names = true;
  const auto page = parse_rows_page(page_with(class_label_features, R"([{"row_idx":0,"row":{"sentence":"a","label":1}}])"), given,
                                    LabelSet{{"good", "bad"}});
  ASSERT_TRUE(page.has_value()) << page.error();
  EXPECT_EQ(page->layout.labels.names, (std::vector<std::string>{"bad", "good"}));
  EXPECT_EQ(page->rows[0].gold, 1) << "index 1 of the ClassLabel: good";
}

TEST(RowsPage, FeaturesOfAnotherShapeAreSkippedNotThrown) {
  const auto page = parse_rows_page(page_with(R"([{"name":{}}, "x", 3, {"name":"sentence"}, {"name":"label","type":{"_type":1}}])",
                                              R"([{"row_idx":0,"row":{"sentence":"s","label":2}}])"),
                                    columns);
  ASSERT_TRUE(page.has_value()) << page.error();
  EXPECT_FALSE(page->layout.class_label);
  EXPECT_EQ(page->rows[0].gold, 2);
}

TEST(RowsPage, ClassLabelNamesThatAreNotStringsAreAnError) {
  const auto page =
      parse_rows_page(page_with(R"([{"name":"sentence"},{"name":"label","type":{"names":["a",1],"_type":"ClassLabel"}}])", "[]"), columns);
  EXPECT_EQ(page.error(), "the ClassLabel column 'label' has a name that is not a string");
}

TEST(RowsPage, RowsOfAnotherShapeAreAnError) {
  for (const auto* rows :
       {R"([1])", R"([{"row_idx":"3","row":{"sentence":"s","label":1}}])", R"([{"row_idx":-1,"row":{"sentence":"s","label":1}}])"}) {
    const auto page = parse_rows_page(page_with(class_label_features, rows), columns);
    EXPECT_EQ(page.error(), "the /rows page has a row that is not in the viewer's shape") << rows;
  }
  EXPECT_EQ(parse_rows_page(page_with(class_label_features, R"([{"row_idx":4,"row":"s"}])"), columns).error(),
            "row 4 has no text in 'sentence'");
}

// A negative total wrapped to 2^64 - 1 and the viewer pages would have asked for pages without end;
// 1e30 was undefined behaviour (a double out of size_t's range).
TEST(RowsPage, ATotalThatIsNotARowCountIsAnError) {
  for (const auto* total : {"-1", "1e30", "12.5", "\"2264\"", "null"}) {
    EXPECT_EQ(parse_rows_page(page_with(class_label_features, "[]", total), columns).error(),
              "the /rows page's num_rows_total is not a row count")
        << total;
  }
  EXPECT_EQ(parse_rows_page(R"({"features":)" + class_label_features + R"(,"rows":[]})", columns)->total, 0u);
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// Found with the fuzz targets' stack-overflow check: the row was copied (a copy recurses once per
// level), so a 400 kB page crashed the process.
TEST(RowsPage, DeeplyNestedCellsAreReadWithoutRecursion) {
  const auto deep_label = parse_rows_page(
      page_with(class_label_features, R"([{"row_idx":7,"row":{"sentence":"s","label":)" + nested_arrays(200'000) + "}}]"), columns);
  EXPECT_EQ(deep_label.error(), "row 7: label (a JSON array) is not one of bad, good");
  const auto deep_other = parse_rows_page(
      page_with(class_label_features, R"([{"row_idx":7,"row":{"sentence":"s","label":0,"extra":)" + nested_arrays(200'000) + "}}]"),
      columns);
  ASSERT_TRUE(deep_other.has_value()) << deep_other.error();
  EXPECT_EQ(deep_other->rows[0].gold, 0);
}

TEST(RowsPage, NotAPageIsAnError) {
  EXPECT_EQ(parse_rows_page(R"({"error":"Not found."})", columns).error(), "the /rows page is not in the viewer's shape");
  EXPECT_EQ(parse_rows_page("<html>", columns).error(), "the /rows page is not in the viewer's shape");
  EXPECT_EQ(parse_rows_page(R"({"rows":[]})", columns).error(), "the page has no features");
}

}  // namespace
}  // namespace synthgen
