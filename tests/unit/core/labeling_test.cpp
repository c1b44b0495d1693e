// From votes to the training file and the metrics JSON.
#include "synthgen/core/labeling.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace synthgen {
namespace {

const LabelSet labels = sentiment_labels();

TEST(Labeling, MajorityPerRowAndTheTrainingCsv) {
  const std::vector<Row> rows{{10, "Up, a lot", 2}, {11, "Flat", 1}, {12, "Nobody knows", 0}};
  const std::vector<std::optional<LabelId>> votes{2, 2, 0, 1, std::nullopt, 1, std::nullopt, std::nullopt, std::nullopt};
  const auto labeled = decide_labels(rows, votes, 3, 3, 42);
  EXPECT_EQ(labeled.results[0].label, 2);
  EXPECT_EQ(labeled.results[1].label, 1);
  EXPECT_EQ(labeled.results[2].label, std::nullopt);
  EXPECT_EQ(labeled.no_vote_rows, (std::vector<std::size_t>{12}));
  EXPECT_EQ(labeled.ties, 0u);
  EXPECT_EQ(training_csv(rows, labeled, labels), "text,labels\n\"Up, a lot\",positive\nFlat,neutral\n");
  const auto m = score_labels(rows, labeled, 3);
  EXPECT_EQ(m.scored, 2u);
  EXPECT_DOUBLE_EQ(m.accuracy, 1.0);
}

TEST(Labeling, TiesAreCountedAndReproducible) {
  const std::vector<Row> rows{{0, "a", 0}, {1, "b", 1}};
  const std::vector<std::optional<LabelId>> votes{0, 1, 2, 0, 1, 2};
  const auto first = decide_labels(rows, votes, 3, 3, 42);
  const auto again = decide_labels(rows, votes, 3, 3, 42);
  EXPECT_EQ(first.ties, 2u);
  EXPECT_EQ(first.results[0].label, again.results[0].label);
  EXPECT_EQ(first.results[1].label, again.results[1].label);
}

TEST(Labeling, AgreementColumnAndUnanimousRows) {
  const std::vector<Row> rows{{0, "a", 2}, {1, "b", 1}};
  const std::vector<std::optional<LabelId>> votes{2, 2, 2, 1, 0, 1};
  const auto labeled = decide_labels(rows, votes, 3, 3, 42);
  EXPECT_EQ(labeled.unanimous, 1u);
  EXPECT_EQ(training_csv(rows, labeled, labels, true), "text,labels,agreement\na,positive,1.000\nb,neutral,0.667\n");
}

TEST(Labeling, DetailsHaveOneLinePerRowWithEveryAskedVote) {
  const std::vector<Row> rows{{7, "a", 2}};
  const std::vector<std::optional<LabelId>> votes{2, std::nullopt, std::nullopt};
  const std::vector<VoteStatus> status{VoteStatus::answered, VoteStatus::answered, VoteStatus::not_asked};
  const std::vector<std::string> answers{R"({"reason": "Up.", "label": "positive"})", "n/a", ""};
  const auto labeled = decide_labels(rows, votes, 3, 3, 42);
  const auto line = nlohmann::json::parse(details_jsonl(rows, labeled, {votes, status, answers, 3}, labels, AnswerFormat::json_object));
  EXPECT_EQ(line["row"], 7);
  EXPECT_EQ(line["gold"], "positive");
  EXPECT_EQ(line["label"], "positive");
  ASSERT_EQ(line["votes"].size(), 2u) << "the vote never asked is not listed";
  EXPECT_EQ(line["votes"][0]["reason"], "Up.");
  EXPECT_TRUE(line["votes"][1]["label"].is_null());
  EXPECT_EQ(line["votes"][1]["answer"], "n/a");
}

TEST(Report, MetricsJsonHasTheRequiredKeys) {
  RunSummary s;
  s.rows = 3;
  s.labeled = 2;
  s.has_gold = true;
  s.metrics = compute_metrics(std::vector<LabeledPair>{{0, 0}, {1, 2}}, 3);
  s.requests = 9;
  s.failed_requests = 1;
  s.failures["http_500"] = 1;
  const auto j = nlohmann::json::parse(format_metrics_json(s, labels));
  for (const auto* key :
       {"rows", "labeled", "accuracy", "macro_f1", "requests", "failed_requests", "no_votes", "ties", "wall_s", "per_class", "confusion"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["rows"], 3);
  EXPECT_DOUBLE_EQ(j["accuracy"].get<double>(), 0.5);
  EXPECT_EQ(j["failures"]["http_500"], 1);
  EXPECT_EQ(j["confusion"][1][2], 1);
  EXPECT_DOUBLE_EQ(j["per_class"]["negative"]["f1"].get<double>(), 1.0);
}

TEST(Report, NoGoldMeansNullAccuracy) {
  RunSummary s;
  s.rows = 1;
  const auto j = nlohmann::json::parse(format_metrics_json(s, labels));
  EXPECT_TRUE(j["accuracy"].is_null());
  EXPECT_NE(format_report(s, labels).find("no gold labels"), std::string::npos);
}

TEST(Report, TextReportShowsTheFigures) {
  RunSummary s;
  s.rows = 2;
  s.labeled = 2;
  s.has_gold = true;
  s.metrics = compute_metrics(std::vector<LabeledPair>{{0, 0}, {2, 2}}, 3);
  const auto text = format_report(s, labels);
  EXPECT_NE(text.find("accuracy    1.0000   macro-F1 1.0000   Cohen's kappa 1.0000"), std::string::npos) << text;
  EXPECT_NE(text.find("gold \\ model"), std::string::npos);
}

}  // namespace
}  // namespace synthgen
