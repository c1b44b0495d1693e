// The live progress of the request loop on stderr. --progress auto: redrawn in place on a terminal
// (fitted to its width, under the log lines), a plain line every 5 s in a pipe or CI, nothing with
// --quiet; json: one JSON object per second and a last one at the end, for dashboards; off: nothing.
#pragma once

#include <chrono>
#include <string>

#include "synthgen/core/moving_rate.hpp"
#include "synthgen/core/progress_text.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/io/status_line.hpp"

namespace synthgen {

// How the progress is shown, once --progress, --quiet and --log-level are weighed.
enum class ProgressOutput { none, live, json };

// auto: live, but for --quiet and for any log level other than info (-v's request lines would bury
// it); json and off as asked, --quiet or not (a dashboard asked for the lines).
ProgressOutput progress_output_for(ProgressMode mode, bool quiet, const std::string& log_level);

class ProgressLine {
 public:
  using Clock = std::chrono::steady_clock;

  ProgressLine(ProgressOutput output, StatusLine& status);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void update(const ProgressFigures& figures);  // cheap when nothing is due
  // The last figures: json prints them whatever the time; a redrawn line is erased.
  void finish(const ProgressFigures& figures);

 private:
  [[nodiscard]] Clock::duration interval() const;
  void sample(const ProgressFigures& figures, Clock::time_point now);
  void draw(const ProgressFigures& figures, Clock::time_point now);
  [[nodiscard]] ProgressPace pace(const ProgressFigures& figures, Clock::time_point now) const;

  ProgressOutput output_;
  StatusLine& status_;
  bool finished_ = false;
  Clock::time_point started_;
  Clock::time_point last_drawn_;
  Clock::time_point last_sampled_;
  MovingRate requests_rate_;
  MovingRate rows_rate_;
  MovingRate answers_rate_;
};

}  // namespace synthgen
