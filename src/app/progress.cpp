// Progress: 5 redraws a second on a terminal, a JSON object a second with --progress json, one plain
// line every 5 s elsewhere. The rates behind the ETA are sampled 4 times a second whatever is shown.
#include "synthgen/app/progress.hpp"

namespace synthgen {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view prefix = "synthgen: ";
constexpr auto sample_interval = 250ms;

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

ProgressOutput progress_output_for(ProgressMode mode, bool quiet, const std::string& log_level) {
  switch (mode) {
    case ProgressMode::off: return ProgressOutput::none;
    case ProgressMode::json: return ProgressOutput::json;
    case ProgressMode::automatic: break;
  }
  return !quiet && log_level == "info" ? ProgressOutput::live : ProgressOutput::none;
}

ProgressLine::ProgressLine(ProgressOutput output, StatusLine& status)
    : output_(output), status_(status), started_(Clock::now()), last_drawn_(started_), last_sampled_(started_) {
  // A terminal and a dashboard see the totals at the first answer; a log gets its first line after 5 s.
  if (output_ == ProgressOutput::json || status_.terminal()) last_drawn_ -= interval();
  requests_rate_.add(0, 0);
  rows_rate_.add(0, 0);
  answers_rate_.add(0, 0);
}

ProgressLine::~ProgressLine() {
  if (!finished_ && output_ == ProgressOutput::live) status_.forget();
}

ProgressLine::Clock::duration ProgressLine::interval() const {
  if (output_ == ProgressOutput::json) return 1s;
  return status_.terminal() ? Clock::duration(200ms) : Clock::duration(5s);
}

void ProgressLine::update(const ProgressFigures& figures) {
  if (output_ == ProgressOutput::none || finished_) return;
  const auto now = Clock::now();
  if (now - last_sampled_ >= sample_interval) sample(figures, now);
  if (now - last_drawn_ >= interval()) draw(figures, now);
}

void ProgressLine::sample(const ProgressFigures& figures, Clock::time_point now) {
  last_sampled_ = now;
  const auto t = seconds(now - started_);
  requests_rate_.add(t, static_cast<double>(figures.requests));
  rows_rate_.add(t, static_cast<double>(figures.rows_done));
  answers_rate_.add(t, static_cast<double>(figures.answers_done));
}

// The time left from the rows decided lately: the run ends when the last row is decided, however many
// votes early stop spares. Until rows flow (they leave in row order), from the answers.
ProgressPace ProgressLine::pace(const ProgressFigures& f, Clock::time_point now) const {
  ProgressPace pace;
  pace.elapsed_s = seconds(now - started_);
  pace.requests_per_s = requests_rate_.per_second();
  const auto rows_left = static_cast<double>(f.rows_total > f.rows_done ? f.rows_total - f.rows_done : 0);
  const auto answers_left = static_cast<double>(f.answers_total > f.answers_done ? f.answers_total - f.answers_done : 0);
  pace.eta_s = eta_seconds(rows_left, rows_rate_.per_second());
  if (!pace.eta_s) pace.eta_s = eta_seconds(answers_left, answers_rate_.per_second());
  return pace;
}

void ProgressLine::draw(const ProgressFigures& figures, Clock::time_point now) {
  last_drawn_ = now;
  const auto pace_now = pace(figures, now);
  if (output_ == ProgressOutput::json) {
    status_.print_line(progress_json(figures, pace_now));
  } else if (status_.terminal()) {
    const auto fields = progress_fields(figures, pace_now);
    const auto room = status_.usable_columns() > prefix.size() ? status_.usable_columns() - prefix.size() : 0;
    status_.show(std::string(prefix) + fit_progress(fields, room));
  } else {
    status_.print_line(std::string(prefix) + format_progress(figures, pace_now));
  }
}

void ProgressLine::finish(const ProgressFigures& figures) {
  if (output_ == ProgressOutput::none || finished_) return;
  finished_ = true;
  if (output_ == ProgressOutput::json) {
    const auto now = Clock::now();
    sample(figures, now);
    draw(figures, now);
  } else if (status_.terminal()) {
    status_.forget();
  }
}

}  // namespace synthgen
