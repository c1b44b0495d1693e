// The HTML report: self-contained, escaped, and holding each section with its counts and shares.
#include "synthgen/core/html_report.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

using Votes = std::vector<std::optional<LabelId>>;

// Rows of three votes each, decided and fed to the tally and the review table as a run does.
struct ReportRun {
  LabelSet labels = sentiment_labels();
  LabelTally tally{3};
  ReviewTable review{labels, AnswerFormat::json_object};
  RunSummary summary;

  void add(const Row& row, const Votes& votes, const std::vector<std::string>& answers = {}) {
    const std::vector<VoteStatus> status(votes.size(), VoteStatus::answered);
    const RowVotes r{row, votes, status, answers};
    const auto result = decide_row(r, 3, 42);
    tally.add(row, result);
    review.add(r, result);
  }
  std::string html() {
    summary = summarize(tally, "test", {});
    summary.metrics = tally.metrics();
    return format_html_report(summary, labels, tally, review);
  }
};

std::size_t position(const std::string& html, const std::string& what) {
  const auto at = html.find(what);
  EXPECT_NE(at, std::string::npos) << what;
  return at;
}

TEST(HtmlReport, EscapesText) { EXPECT_EQ(html_escape(R"(<a href="x">&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"); }

TEST(HtmlReport, GroupsThousands) {
  EXPECT_EQ(group_thousands(0), "0");
  EXPECT_EQ(group_thousands(999), "999");
  EXPECT_EQ(group_thousands(1000), "1,000");
  EXPECT_EQ(group_thousands(1234567), "1,234,567");
}

TEST(HtmlReport, BlueRampRunsFromWhiteToDarkBlue) {
  EXPECT_EQ(blue_ramp(0), "#f7fbff");
  EXPECT_EQ(blue_ramp(1), "#08306b");
  EXPECT_EQ(blue_ramp(2), "#08306b");
  EXPECT_EQ(blue_ramp(0.5), "#6baed6");
}

TEST(HtmlReport, HoldsTheFiguresAndTheDisagreeingRowsAndNoExternalAsset) {
  ReportRun run;
  run.add({0, "Profit <b>rose</b>", 2}, {0, 0, 2}, {R"({"reason": "Costs <up>.", "label": "negative"})", "negative", "positive"});
  run.add({1, "Flat", 1}, {1, 1, 1});
  const auto html = run.html();
  EXPECT_NE(html.find("Confusion matrix"), std::string::npos);
  EXPECT_NE(html.find("id=\"cm-legend\""), std::string::npos);
  EXPECT_NE(html.find("Agreement by vote pattern"), std::string::npos);
  EXPECT_NE(html.find("Profit &lt;b&gt;rose&lt;/b&gt;"), std::string::npos) << "the disagreeing row, escaped";
  EXPECT_NE(html.find("<b>negative</b>: Costs &lt;up&gt;."), std::string::npos) << "the vote with its reason";
  EXPECT_EQ(html.find("http"), std::string::npos) << "no external asset";
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("Flat</td>"), std::string::npos) << "an agreeing row is not listed";
}

TEST(HtmlReport, ConfusionCellsHoldCountsAndRowShares) {
  ReportRun run;
  for (std::size_t i = 0; i < 3; ++i) run.add({i, "r", 2}, {2, 2, 2});
  run.add({3, "r", 2}, {0, 0, 0});
  const auto html = run.html();
  EXPECT_NE(html.find("title=\"gold positive, model positive: 3 of 4\"><b>3</b><small>75.0 %</small>"), std::string::npos) << html;
  EXPECT_NE(html.find("title=\"gold positive, model negative: 1 of 4\"><b>1</b><small>25.0 %</small>"), std::string::npos);
  EXPECT_NE(html.find("title=\"gold negative, model negative: 0 of 0\"><b>0</b><small>–</small>"), std::string::npos);
  EXPECT_NE(html.find(">model label</th>"), std::string::npos);
  EXPECT_NE(html.find(">gold label</th>"), std::string::npos);
}

TEST(HtmlReport, LabelDistributionCountsTheTrainingFileLabels) {
  ReportRun run;
  run.add({0, "a", 2}, {2, 2, 2});
  run.add({1, "b", 2}, {0, 0, 1});
  run.add({2, "c", std::nullopt}, {0, 0, 0});
  run.add({3, "d", 1}, {std::nullopt, std::nullopt, std::nullopt});
  EXPECT_EQ(run.tally.label_counts(), (std::vector<std::size_t>{2, 0, 1}));
  const auto html = run.html();
  EXPECT_NE(html.find("<th>negative</th><td style=\"text-align:right\">2</td>"), std::string::npos);
  EXPECT_NE(html.find("66.7 %"), std::string::npos) << "2 of the 3 labeled rows";
}

TEST(HtmlReport, PatternTableHasCountsSharesAndAccuracy) {
  ReportRun run;
  run.add({0, "a", 0}, {0, 0, 0});
  run.add({1, "b", 0}, {0, 0, 0});
  run.add({2, "c", 2}, {0, 0, 0});
  run.add({3, "d", 1}, {1, 1, 2});
  run.add({4, "e", 1}, {0, 1, 2});
  const auto html = run.html();
  EXPECT_NE(html.find("<th>3 of 3 agree</th><td style=\"text-align:right\">3</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("60.0 %</td><td>"), std::string::npos) << "3 rows of 5";
  EXPECT_NE(html.find("66.7 %</td><td style=\"text-align:right\">3</td>"), std::string::npos) << "2 of 3 right";
  EXPECT_LT(position(html, "3 of 3 agree"), position(html, "2 of 3 agree (2/1)"));
  EXPECT_LT(position(html, "2 of 3 agree (2/1)"), position(html, "tie 1/1/1"));
}

TEST(HtmlReport, ReviewsUnanimousThenTiesThenTheRest) {
  ReportRun run;
  run.add({0, "other one", 0}, {1, 1, 2});
  run.add({1, "a tie", 0}, {1, 2, std::nullopt});
  run.add({2, "unanimous one", 0}, {2, 2, 2});
  run.add({3, "right", 0}, {0, 0, 0});
  EXPECT_EQ(run.review.count(ReviewKind::unanimous), 1u);
  EXPECT_EQ(run.review.count(ReviewKind::tie), 1u);
  EXPECT_EQ(run.review.count(ReviewKind::disagrees), 1u);
  const auto html = run.html();
  EXPECT_LT(position(html, ">unanimous one<"), position(html, ">a tie<"));
  EXPECT_LT(position(html, ">a tie<"), position(html, ">other one<"));
  EXPECT_NE(html.find("tie 1/1, 1 no vote"), std::string::npos);
  EXPECT_EQ(html.find(">right<"), std::string::npos);
}

TEST(HtmlReport, WithoutGoldReviewsTheLowestAgreementFirst) {
  ReportRun run;
  run.add({0, "sure", std::nullopt}, {1, 1, 1});
  run.add({1, "torn", std::nullopt}, {0, 1, 2});
  run.add({2, "mostly", std::nullopt}, {1, 1, 2});
  const auto html = run.html();
  EXPECT_EQ(html.find("Confusion matrix"), std::string::npos);
  EXPECT_LT(position(html, ">torn<"), position(html, ">mostly<"));
  EXPECT_EQ(html.find(">sure<"), std::string::npos) << "a unanimous row without gold has nothing to review";
}

TEST(HtmlReport, KeepsABoundOfRowsInReviewOrderAndCountsTheRest) {
  const auto labels = sentiment_labels();
  ReviewTable table(labels, AnswerFormat::label_word);
  const std::vector<VoteStatus> status(3, VoteStatus::answered);
  const Votes split{0, 0, 1}, unanimous{0, 0, 0};
  for (std::size_t i = 0; i < 250; ++i) {
    const Row row{i, "row " + std::to_string(i), 2};
    const RowVotes r{row, i == 240 ? unanimous : split, status, {}};
    table.add(r, decide_row(r, 3, 1));
  }
  const auto html = table.html(true);
  EXPECT_LT(position(html, ">row 240<"), position(html, ">row 0<")) << "the late unanimous row is kept, and first";
  EXPECT_NE(html.find(">row 198<"), std::string::npos);
  EXPECT_EQ(html.find(">row 199<"), std::string::npos);
  EXPECT_NE(html.find("50 more not listed"), std::string::npos);
}

}  // namespace
}  // namespace synthgen
