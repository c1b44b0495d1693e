// StatusLine: what reaches the terminal when the line is drawn, erased for a log line and drawn
// again; and the width it takes from the terminal, $COLUMNS or the default.
#include "synthgen/io/status_line.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "captured_status_line.hpp"

namespace synthgen {
namespace {

// A StatusLine writing into memory, as if to a terminal of `columns` columns.
using Captured = testing::CapturedStatusLine;

TEST(StatusLine, DrawsInPlaceAndErasesTheRest) {
  Captured out(true, 80);
  out.line().show("12/100 rows");
  out.line().show("13/100 rows");
  EXPECT_EQ(out.written(), "\r12/100 rows\x1b[K\r13/100 rows\x1b[K");
}

TEST(StatusLine, ALogLineGoesAboveItNotOntoIt) {
  Captured out(true, 80);
  out.line().show("12/100 rows");
  out.line().clear();  // the log sink writes its line here
  out.line().redraw();
  EXPECT_EQ(out.written(), "\r12/100 rows\x1b[K\r\x1b[K\r12/100 rows\x1b[K");
}

TEST(StatusLine, ClearAndRedrawAreNoOpsWithNothingDrawn) {
  Captured out(true, 80);
  out.line().clear();
  out.line().redraw();
  EXPECT_EQ(out.written(), "");
  out.line().show("x");
  out.line().forget();
  out.line().redraw();  // forgotten: the run's live part is over
  out.line().clear();
  EXPECT_EQ(out.written(), "\rx\x1b[K\r\x1b[K");
}

TEST(StatusLine, PrintedLinesGoAboveTheDrawnLine) {
  Captured out(true, 80);
  out.line().show("12/100 rows");
  out.line().print_line("{\"rows_done\":12}");
  EXPECT_EQ(out.written(), "\r12/100 rows\x1b[K\r\x1b[K{\"rows_done\":12}\n\r12/100 rows\x1b[K");
}

TEST(StatusLine, NeverWiderThanTheTerminalLessOneColumn) {
  Captured out(true, 10);
  EXPECT_EQ(out.line().usable_columns(), 9u);
  out.line().show("0123456789abc");
  out.resize(5);  // the window shrank before the line is drawn again
  out.line().clear();
  out.line().redraw();
  EXPECT_EQ(out.written(), "\r012345678\x1b[K\r\x1b[K\r0123\x1b[K");
}

TEST(StatusLine, NothingDrawnOffATerminalButWholeLinesPass) {
  Captured out(false, 80);
  out.line().show("12/100 rows");
  out.line().clear();
  out.line().redraw();
  out.line().print_line("synthgen: 12/100 rows");
  EXPECT_EQ(out.written(), "synthgen: 12/100 rows\n");
}

TEST(ChooseColumns, TerminalThenColumnsVariableThen80) {
  EXPECT_EQ(choose_columns(120, std::string("40")), 120u);
  EXPECT_EQ(choose_columns(std::nullopt, std::string("40")), 40u);
  EXPECT_EQ(choose_columns(0, std::string("40")), 40u);
  EXPECT_EQ(choose_columns(std::nullopt, std::string("wide")), 80u);
  EXPECT_EQ(choose_columns(std::nullopt, std::string("0")), 80u);
  EXPECT_EQ(choose_columns(std::nullopt, std::string("")), 80u);
  EXPECT_EQ(choose_columns(std::nullopt, std::nullopt), 80u);
}

}  // namespace
}  // namespace synthgen
