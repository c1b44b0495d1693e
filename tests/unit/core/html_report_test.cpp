// The HTML report: self-contained, escaped, and holding each figure.
#include "synthgen/core/html_report.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

TEST(HtmlReport, EscapesText) { EXPECT_EQ(html_escape(R"(<a href="x">&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"); }

TEST(HtmlReport, HoldsTheFiguresAndTheDisagreeingRowsAndNoExternalAsset) {
  const auto labels = sentiment_labels();
  const std::vector<Row> rows{{0, "Profit <b>rose</b>", 2}, {1, "Flat", 1}};
  const std::vector<std::optional<LabelId>> votes{0, 0, 2, 1, 1, std::nullopt};
  const std::vector<VoteStatus> status{VoteStatus::answered, VoteStatus::answered, VoteStatus::answered,
                                       VoteStatus::answered, VoteStatus::answered, VoteStatus::not_asked};
  const std::vector<std::string> answers{
      R"({"reason": "Costs <up>.", "label": "negative"})", "negative", "positive", "neutral", "neutral", ""};
  LabelTally tally(3);
  DisagreementTable table(labels, AnswerFormat::json_object);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const RowVotes row{rows[i], std::span(votes).subspan(i * 3, 3), std::span(status).subspan(i * 3, 3),
                       std::span(answers).subspan(i * 3, 3)};
    const auto result = decide_row(row, 3, 42);
    tally.add(rows[i], result);
    table.add(row, result);
  }
  RunSummary s;
  s.rows = 2;
  s.labeled = 2;
  s.has_gold = true;
  s.metrics = tally.metrics();
  const auto html = format_html_report(s, labels, tally, table);
  EXPECT_NE(html.find("Confusion matrix"), std::string::npos);
  EXPECT_NE(html.find("Vote agreement"), std::string::npos);
  EXPECT_NE(html.find("Profit &lt;b&gt;rose&lt;/b&gt;"), std::string::npos) << "the disagreeing row, escaped";
  EXPECT_NE(html.find("negative: Costs &lt;up&gt;."), std::string::npos) << "the vote with its reason";
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos) << "no external asset";
  EXPECT_EQ(html.find("Flat</td>"), std::string::npos) << "an agreeing row is not listed";
}

TEST(HtmlReport, ListsTheFirst200DisagreementsAndCountsTheRest) {
  const auto labels = sentiment_labels();
  DisagreementTable table(labels, AnswerFormat::label_word);
  const std::vector<std::optional<LabelId>> votes{0};
  const std::vector<VoteStatus> status{VoteStatus::answered};
  for (std::size_t i = 0; i < 250; ++i) {
    const Row row{i, "row " + std::to_string(i), 2};
    const RowVotes r{row, votes, status, {}};
    table.add(r, decide_row(r, 3, 1));
  }
  const auto html = table.html();
  EXPECT_NE(html.find("row 199<"), std::string::npos);
  EXPECT_EQ(html.find("row 200<"), std::string::npos);
  EXPECT_NE(html.find("50 more not listed"), std::string::npos);
}

}  // namespace
}  // namespace synthgen
