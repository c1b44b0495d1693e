// The progress line's fields, their fitting to a terminal's width, and the JSON line.
#include "synthgen/core/progress_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace synthgen {
namespace {

const ProgressFigures busy{412, 2264, 1234, 6792, 1300, 3, 12};
const ProgressPace paced{30.0, 412.4, 14.2};

TEST(ProgressText, EveryFieldInOrder) {
  EXPECT_EQ(format_progress(busy, paced), "412/2264 rows  1234/6792 answers  412 req/s  3 failed  12 retries  ETA 0:14");
}

TEST(ProgressText, UnknownRateAndNoFailuresLeftOut) {
  EXPECT_EQ(format_progress({0, 100, 0, 300, 0, 0, 0}, {0.0, std::nullopt, std::nullopt}), "0/100 rows  0/300 answers  ETA ?");
}

TEST(ProgressText, ClockTime) {
  EXPECT_EQ(clock_time(14.2), "0:14");
  EXPECT_EQ(clock_time(725), "12:05");
  EXPECT_EQ(clock_time(7200), "2:00:00");
  EXPECT_EQ(clock_time(-3), "0:00");
}

TEST(FitProgress, AWideTerminalGetsEverything) {
  const auto fields = progress_fields(busy, paced);
  const auto all = format_progress(busy, paced);
  EXPECT_EQ(fit_progress(fields, 200), all);
  EXPECT_EQ(fit_progress(fields, all.size()), all);
}

TEST(FitProgress, DropsTheLeastImportantFirst) {
  const auto fields = progress_fields(busy, paced);
  const auto all = format_progress(busy, paced);
  // One column short: the retries go first, then the rate, the answers, the failures, the ETA.
  EXPECT_EQ(fit_progress(fields, all.size() - 1), "412/2264 rows  1234/6792 answers  412 req/s  3 failed  ETA 0:14");
  EXPECT_EQ(fit_progress(fields, 60), "412/2264 rows  1234/6792 answers  3 failed  ETA 0:14");
  EXPECT_EQ(fit_progress(fields, 40), "412/2264 rows  3 failed  ETA 0:14");
  EXPECT_EQ(fit_progress(fields, 26), "412/2264 rows  ETA 0:14");
  EXPECT_EQ(fit_progress(fields, 20), "412/2264 rows");
}

TEST(FitProgress, CutsTheLastFieldWhenEvenItIsTooLong) {
  const auto fields = progress_fields(busy, paced);
  EXPECT_EQ(fit_progress(fields, 8), "412/2264");
  EXPECT_EQ(fit_progress(fields, 0), "");
}

TEST(FitProgress, NeverLongerThanTheWidth) {
  const auto fields = progress_fields(busy, paced);
  for (std::size_t width = 0; width < 120; ++width) EXPECT_LE(fit_progress(fields, width).size(), width) << width;
}

TEST(ProgressJson, OneParseableObjectOnOneLine) {
  const auto line = progress_json(busy, paced);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["rows_done"], 412);
  EXPECT_EQ(json["rows_total"], 2264);
  EXPECT_EQ(json["answers_done"], 1234);
  EXPECT_EQ(json["answers_total"], 6792);
  EXPECT_EQ(json["requests"], 1300);
  EXPECT_EQ(json["failed"], 3);
  EXPECT_EQ(json["retries"], 12);
  EXPECT_DOUBLE_EQ(json["req_per_s"].get<double>(), 412.4);
  EXPECT_DOUBLE_EQ(json["eta_s"].get<double>(), 14.2);
  EXPECT_DOUBLE_EQ(json["elapsed_s"].get<double>(), 30.0);
}

TEST(ProgressJson, UnknownRateAndEtaAreNull) {
  const auto json = nlohmann::json::parse(progress_json({0, 10, 0, 30, 0, 0, 0}, {0.04, std::nullopt, std::nullopt}));
  EXPECT_TRUE(json["req_per_s"].is_null());
  EXPECT_TRUE(json["eta_s"].is_null());
  EXPECT_DOUBLE_EQ(json["elapsed_s"].get<double>(), 0.0);
}

}  // namespace
}  // namespace synthgen
