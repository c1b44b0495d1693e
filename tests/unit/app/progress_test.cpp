// The progress on stderr: which output --progress, --quiet and --log-level give, and what the line
// writes in each (the text itself: tests/unit/core/progress_text_test.cpp).
#include "synthgen/app/progress.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "captured_status_line.hpp"

namespace synthgen {
namespace {

TEST(ProgressOutputFor, AutoFollowsQuietAndTheLogLevel) {
  EXPECT_EQ(progress_output_for(ProgressMode::automatic, false, "info"), ProgressOutput::live);
  EXPECT_EQ(progress_output_for(ProgressMode::automatic, true, "info"), ProgressOutput::none);
  EXPECT_EQ(progress_output_for(ProgressMode::automatic, false, "debug"), ProgressOutput::none);
  EXPECT_EQ(progress_output_for(ProgressMode::automatic, false, "warn"), ProgressOutput::none);
}

TEST(ProgressOutputFor, JsonAndOffAsAsked) {
  EXPECT_EQ(progress_output_for(ProgressMode::json, true, "error"), ProgressOutput::json);
  EXPECT_EQ(progress_output_for(ProgressMode::json, false, "info"), ProgressOutput::json);
  EXPECT_EQ(progress_output_for(ProgressMode::off, false, "info"), ProgressOutput::none);
}

using Captured = testing::CapturedStatusLine;

const ProgressFigures halfway{50, 100, 150, 300, 160, 2, 10};
const ProgressFigures finished{100, 100, 300, 300, 320, 2, 20};

TEST(ProgressLine, JsonAtOnceThenAtMostOnceASecondAndALastOne) {
  Captured out(false, 80);
  {
    ProgressLine progress(ProgressOutput::json, out.line());
    progress.update(halfway);
    progress.update(halfway);  // within the second: nothing
    progress.finish(finished);
    progress.update(finished);  // after the end: nothing
  }
  const auto lines = out.lines();
  ASSERT_EQ(lines.size(), 2u) << out.written();
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["rows_done"], 50);
  EXPECT_EQ(first["answers_total"], 300);
  const auto last = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(last["rows_done"], last["rows_total"]);
  EXPECT_EQ(last["retries"], 20);
  EXPECT_EQ(last["eta_s"], 0.0);
}

TEST(ProgressLine, OnATerminalFitsTheWidthAndIsErasedAtTheEnd) {
  Captured out(true, 40);
  {
    ProgressLine progress(ProgressOutput::live, out.line());
    progress.update(halfway);
    progress.finish(finished);
  }
  const auto written = out.written();
  // "\r" + at most 39 columns + erase to the end of the line, then the erase at the end.
  ASSERT_TRUE(written.starts_with("\rsynthgen: 50/100 rows")) << written;
  const auto drawn = written.substr(1, written.find('\x1b') - 1);
  EXPECT_LE(drawn.size(), 39u) << drawn;
  EXPECT_TRUE(written.ends_with("\x1b[K\r\x1b[K")) << written;
  EXPECT_EQ(written.find('\n'), std::string::npos);
}

TEST(ProgressLine, InAPipeTheFirstPlainLineWaitsFiveSeconds) {
  Captured out(false, 80);
  {
    ProgressLine progress(ProgressOutput::live, out.line());
    progress.update(halfway);
    progress.finish(finished);
  }
  EXPECT_EQ(out.written(), "");
}

TEST(ProgressLine, NoneWritesNothing) {
  Captured out(true, 80);
  {
    ProgressLine progress(ProgressOutput::none, out.line());
    progress.update(halfway);
    progress.finish(finished);
  }
  EXPECT_EQ(out.written(), "");
}

TEST(ProgressLine, ALineLeftDrawnIsErasedWhenTheLoopEndsEarly) {
  Captured out(true, 80);
  {
    ProgressLine progress(ProgressOutput::live, out.line());
    progress.update(halfway);  // then an exception leaves the loop: no finish()
  }
  EXPECT_TRUE(out.written().ends_with("\r\x1b[K")) << out.written();
}

}  // namespace
}  // namespace synthgen
