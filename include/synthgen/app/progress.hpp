// The live progress line on stderr: redrawn in place on a terminal, a plain line every few seconds
// in a pipe or CI, nothing with --quiet.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace synthgen {

struct ProgressFigures {
  std::size_t done = 0;      // votes settled (answered, from the store, or failed for good)
  std::size_t total = 0;     // votes to settle (early stop lowers it as it goes)
  std::size_t requests = 0;  // sent, retries included
  std::size_t failed = 0;
  std::size_t retries = 0;
};

// "1234/6792 answers  412 req/s  3 failed  12 retries  ETA 0:14"
std::string format_progress(const ProgressFigures& figures, double elapsed_s);

class ProgressLine {
 public:
  // Draws on stderr when enabled; redraws in place when stderr is a terminal.
  explicit ProgressLine(bool enabled);
  void update(const ProgressFigures& figures);  // cheap when nothing is due
  void finish();                                // ends a redrawn line

 private:
  void draw(const ProgressFigures& figures, std::chrono::steady_clock::time_point now);
  bool enabled_;
  bool terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace synthgen
