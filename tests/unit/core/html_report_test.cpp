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
  const auto labeled = decide_labels(rows, votes, 3, 3, 42);
  RunSummary s;
  s.rows = 2;
  s.labeled = 2;
  s.has_gold = true;
  s.metrics = score_labels(rows, labeled, 3);
  const auto html = format_html_report(s, labels, {rows, labeled, {votes, status, answers, 3}, AnswerFormat::json_object});
  EXPECT_NE(html.find("Confusion matrix"), std::string::npos);
  EXPECT_NE(html.find("Vote agreement"), std::string::npos);
  EXPECT_NE(html.find("Profit &lt;b&gt;rose&lt;/b&gt;"), std::string::npos) << "the disagreeing row, escaped";
  EXPECT_NE(html.find("negative: Costs &lt;up&gt;."), std::string::npos) << "the vote with its reason";
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos) << "no external asset";
  EXPECT_EQ(html.find("Flat</td>"), std::string::npos) << "an agreeing row is not listed";
}

}  // namespace
}  // namespace synthgen
