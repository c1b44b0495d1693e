// Progress: 5 redraws a second on a terminal, one line every 5 s elsewhere.
#include "synthgen/app/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace synthgen {
namespace {

using Clock = std::chrono::steady_clock;

std::string clock_time(double seconds) {
  const auto s = std::lround(seconds);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

std::string format_progress(const ProgressFigures& f, double elapsed_s) {
  const double rate = elapsed_s > 0 ? static_cast<double>(f.requests) / elapsed_s : 0.0;
  const double done_rate = elapsed_s > 0 ? static_cast<double>(f.done) / elapsed_s : 0.0;
  const auto left = f.total > f.done ? f.total - f.done : 0;
  const auto eta = done_rate > 0 ? clock_time(static_cast<double>(left) / done_rate) : std::string("?");
  return fmt::format("{}/{} answers  {:.0f} req/s  {} failed  {} retries  ETA {}", f.done, f.total, rate, f.failed, f.retries, eta);
}

ProgressLine::ProgressLine(bool enabled)
    : enabled_(enabled), terminal_(::isatty(STDERR_FILENO) == 1), started_(Clock::now()), last_(started_) {}

void ProgressLine::update(const ProgressFigures& figures) {
  if (!enabled_) return;
  const auto now = Clock::now();
  if (now - last_ < (terminal_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000))) return;
  draw(figures, now);
}

void ProgressLine::draw(const ProgressFigures& figures, Clock::time_point now) {
  last_ = now;
  const auto line = format_progress(figures, std::chrono::duration<double>(now - started_).count());
  if (terminal_) {
    std::fprintf(stderr, "\rsynthgen: %s\x1b[K", line.c_str());
    drawn_ = true;
  } else {
    std::fprintf(stderr, "synthgen: %s\n", line.c_str());
  }
  std::fflush(stderr);
}

void ProgressLine::finish() {
  if (drawn_) std::fputs("\r\x1b[K", stderr);
  drawn_ = false;
}

}  // namespace synthgen
