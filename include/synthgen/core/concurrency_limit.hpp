// How many requests may be in flight: AIMD under the --concurrency ceiling. The first answers are
// awaited with a small first window (so a rate-limited server refuses a few, not --concurrency);
// a first window answered without a refusal opens the ceiling. A refusal (429, 503) or a time-out
// halves the limit, once per round of requests sent since the last cut; each round of successes
// adds one. Pure: time is passed in.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>

namespace synthgen {

class ConcurrencyLimit {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t first_window = 16;

  explicit ConcurrencyLimit(std::size_t ceiling);

  // The requests that may be in flight; never fewer than `floor`, what the paced send rate needs
  // (SendRate::in_flight_needed), so the limit never starves the pacing.
  [[nodiscard]] std::size_t limit(std::size_t floor = 0) const { return std::min(ceiling_, std::max(limit_, floor)); }
  [[nodiscard]] std::size_t ceiling() const { return ceiling_; }
  [[nodiscard]] std::size_t cuts() const { return cuts_; }

  void on_success();
  // An overload signal (429, 503, a time-out) for a request sent at `sent`.
  void on_overload(Clock::time_point now, Clock::time_point sent);

 private:
  std::size_t ceiling_;
  std::size_t limit_;
  bool opened_ = false;  // the first window was answered, or refused
  std::size_t successes_ = 0;
  std::size_t cuts_ = 0;
  Clock::time_point cut_{};
};

}  // namespace synthgen
