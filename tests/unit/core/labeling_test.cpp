// From votes to the training file and the metrics JSON.
#include "synthgen/core/labeling.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "synthgen/core/report.hpp"

namespace synthgen {
namespace {

const LabelSet labels = sentiment_labels();

using Votes = std::vector<std::optional<LabelId>>;

// Rows with `per_row` votes each, answered (or not asked where the vote is empty and `asked` is false).
struct VotedRows {
  std::vector<Row> rows;
  Votes votes;
  std::vector<VoteStatus> status;
  std::vector<std::string> answers;
  std::size_t per_row = 3;

  [[nodiscard]] RowVotes row(std::size_t i) const {
    const auto answers_of = answers.empty() ? std::span<const std::string>() : std::span(answers).subspan(i * per_row, per_row);
    return {rows[i], std::span(votes).subspan(i * per_row, per_row), std::span(status).subspan(i * per_row, per_row), answers_of};
  }
};

VotedRows answered(std::vector<Row> rows, Votes votes) {
  std::vector<VoteStatus> status(votes.size(), VoteStatus::answered);
  return {std::move(rows), std::move(votes), std::move(status), {}};
}

// The training file and the tally of a whole run, row by row as the pipeline makes them.
std::string training_csv(const VotedRows& run, LabelTally& tally, bool with_agreement = false) {
  auto out = training_csv_header(with_agreement);
  for (std::size_t i = 0; i < run.rows.size(); ++i) {
    const auto result = decide_row(run.row(i), 3, 42);
    tally.add(run.rows[i], result);
    out += training_csv_record(run.rows[i], result, labels, with_agreement);
  }
  return out;
}

TEST(Labeling, MajorityPerRowAndTheTrainingCsv) {
  const auto run = answered({{10, "Up, a lot", 2}, {11, "Flat", 1}, {12, "Nobody knows", 0}},
                            {2, 2, 0, 1, std::nullopt, 1, std::nullopt, std::nullopt, std::nullopt});
  EXPECT_EQ(decide_row(run.row(0), 3, 42).label, 2);
  EXPECT_EQ(decide_row(run.row(1), 3, 42).label, 1);
  EXPECT_EQ(decide_row(run.row(2), 3, 42).label, std::nullopt);
  LabelTally tally(3);
  EXPECT_EQ(training_csv(run, tally), "text,labels\n\"Up, a lot\",positive\nFlat,neutral\n");
  EXPECT_EQ(tally.no_vote_rows(), (std::vector<std::size_t>{12}));
  EXPECT_EQ(tally.ties(), 0u);
  EXPECT_EQ(tally.rows(), 3u);
  EXPECT_EQ(tally.labeled(), 2u);
  EXPECT_TRUE(tally.has_gold());
  const auto m = tally.metrics();
  EXPECT_EQ(m.scored, 2u);
  EXPECT_DOUBLE_EQ(m.accuracy, 1.0);
  EXPECT_EQ(tally.agreement_counts()[0], 1u) << "the no-vote row";
}

TEST(Labeling, TheTestCsvHasEveryRowWithItsHumanLabelAndTheVotes) {
  const auto run = answered({{10, "Up, a lot", 2}, {11, "Flat", 0}, {12, "Nobody knows", 1}},
                            {2, 2, 0, 1, std::nullopt, 1, std::nullopt, std::nullopt, std::nullopt});
  std::string plain = test_csv_header();
  std::string with_agreement = test_csv_header(true);
  for (std::size_t i = 0; i < run.rows.size(); ++i) {
    const auto result = decide_row(run.row(i), 3, 42);
    plain += test_csv_record(run.rows[i], result, labels);
    with_agreement += test_csv_record(run.rows[i], result, labels, true);
  }
  EXPECT_EQ(plain, "text,labels,llm_label\n\"Up, a lot\",positive,positive\nFlat,negative,neutral\nNobody knows,neutral,\n");
  EXPECT_EQ(with_agreement,
            "text,labels,llm_label,agreement\n\"Up, a lot\",positive,positive,0.667\nFlat,negative,neutral,1.000\n"
            "Nobody knows,neutral,,\n");
}

TEST(Labeling, TallyMetricsEqualThoseOfTheLabeledPairs) {
  const auto run =
      answered({{0, "a", 0}, {1, "b", 1}, {2, "c", 2}, {3, "d", 2}, {4, "e", std::nullopt}}, {0, 0, 0, 1, 1, 2, 1, 1, 1, 2, 2, 2, 0, 0, 0});
  LabelTally tally(3);
  training_csv(run, tally);
  const auto pairs = std::vector<LabeledPair>{{0, 0}, {1, 1}, {2, 1}, {2, 2}};
  const auto expected = compute_metrics(pairs, 3);
  const auto m = tally.metrics();
  EXPECT_EQ(m.confusion, expected.confusion);
  EXPECT_EQ(m.scored, 4u) << "the row without gold is not scored";
  EXPECT_DOUBLE_EQ(m.accuracy, expected.accuracy);
  EXPECT_DOUBLE_EQ(m.macro_f1, expected.macro_f1);
  EXPECT_DOUBLE_EQ(m.kappa, expected.kappa);
}

TEST(Labeling, TiesAreCountedAndReproducible) {
  const auto run = answered({{0, "a", 0}, {1, "b", 1}}, {0, 1, 2, 0, 1, 2});
  LabelTally tally(3);
  training_csv(run, tally);
  EXPECT_EQ(tally.ties(), 2u);
  EXPECT_EQ(decide_row(run.row(0), 3, 42).label, decide_row(run.row(0), 3, 42).label);
  EXPECT_EQ(decide_row(run.row(1), 3, 42).label, decide_row(run.row(1), 3, 42).label);
}

TEST(Labeling, AgreementColumnAndUnanimousRows) {
  const auto run = answered({{0, "a", 2}, {1, "b", 1}}, {2, 2, 2, 1, 0, 1});
  LabelTally tally(3);
  EXPECT_EQ(training_csv(run, tally, true), "text,labels,agreement\na,positive,1.000\nb,neutral,0.667\n");
  EXPECT_EQ(tally.unanimous(), 1u);
  EXPECT_EQ(tally.agreement_counts()[4], 1u);
  EXPECT_EQ(tally.agreement_counts()[2], 1u) << "0.667 is under the 0.67 bound";
  EXPECT_EQ(tally.agreement_counts()[3], 0u);
}

TEST(Labeling, DetailsHaveOneLinePerRowWithEveryAskedVote) {
  const VotedRows run{{{7, "a", 2}},
                      {2, std::nullopt, std::nullopt},
                      {VoteStatus::answered, VoteStatus::answered, VoteStatus::not_asked},
                      {R"({"reason": "Up.", "label": "positive"})", "n/a", ""}};
  const auto result = decide_row(run.row(0), 3, 42);
  const auto text = details_line(run.row(0), result, labels, AnswerFormat::json_object);
  ASSERT_EQ(text.back(), '\n');
  const auto line = nlohmann::json::parse(text);
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
  s.counts.requests = 9;
  s.counts.failed_requests = 1;
  s.counts.failures["http_500"] = 1;
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

TEST(Report, NoVoteAnswersAreShownByReason) {
  RunSummary s;
  s.rows = 4;
  s.counts.invalid_answers = 5;
  s.counts.no_votes_by_reason = {{"length", 1}, {"no_label", 3}, {"no_text", 1}};
  const auto j = nlohmann::json::parse(format_metrics_json(s, labels));
  EXPECT_EQ(j["invalid_answers"], 5);
  EXPECT_EQ(j["no_votes_by_reason"]["no_label"], 3);
  EXPECT_EQ(j["no_votes_by_reason"]["no_text"], 1);
  EXPECT_EQ(j["no_votes_by_reason"]["length"], 1);
  const auto text = format_report(s, labels);
  EXPECT_NE(text.find("answers with no vote 5 (1 length, 3 no_label, 1 no_text)"), std::string::npos) << text;
}

TEST(Report, ThePaceARateLimitLeftIsShownOnlyWhenThereWasOne) {
  RunSummary s;
  s.rows = 1;
  auto j = nlohmann::json::parse(format_metrics_json(s, labels));
  EXPECT_TRUE(j["paced_per_s"].is_null());
  EXPECT_EQ(format_report(s, labels).find("rate limit"), std::string::npos);
  s.counts.paced_per_s = 95.25;
  j = nlohmann::json::parse(format_metrics_json(s, labels));
  EXPECT_DOUBLE_EQ(j["paced_per_s"].get<double>(), 95.25);
  const auto text = format_report(s, labels);
  EXPECT_NE(text.find("rate limit  the endpoint refused faster sends: paced at 95.2 requests/s at the end"), std::string::npos) << text;
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
