// The one status line at the foot of a terminal's stderr: drawn in place, erased before a log line
// is written and drawn again below it, so log lines never glue onto it and a narrow terminal never
// gets a trail of wrapped copies. One per process, as there is one stderr.
#pragma once

#include <cstddef>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace synthgen {

class StatusLine {
 public:
  using Columns = std::function<std::size_t()>;

  // Draws on `out` only when it is a terminal (`terminal`); `columns` measures its width at each draw.
  // Whole lines go to `out` either way.
  StatusLine(std::FILE* out, bool terminal, Columns columns);

  [[nodiscard]] bool terminal() const { return terminal_; }
  // The width a line may take now: one column short of the terminal's, so the cursor never sits in
  // the last column, where some terminals wrap on the next character.
  [[nodiscard]] std::size_t usable_columns() const;

  void show(std::string_view text);        // replaces the line drawn, cut to usable_columns()
  void clear();                            // erases the drawn line and keeps its text (a log line comes next)
  void redraw();                           // draws the kept text again after clear()
  void forget();                           // erases the line for good: the live part of the run is over
  void print_line(std::string_view line);  // a whole line (a newline added) above the status line

 private:
  void draw();
  std::FILE* out_;
  bool terminal_;
  Columns columns_;
  std::string text_;
  bool drawn_ = false;
};

// The process's stderr line: a terminal's width read on each draw (TIOCGWINSZ, so a resized window
// is followed), else $COLUMNS, else 80.
StatusLine& stderr_status_line();

// The width to use: the one measured from the terminal when there is one, else a valid $COLUMNS,
// else 80.
std::size_t choose_columns(std::optional<std::size_t> measured, const std::optional<std::string>& columns_variable);

}  // namespace synthgen
