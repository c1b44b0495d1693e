// How many requests may be in flight: AIMD under the --concurrency ceiling. The first answers are
// awaited with a small first window (so a rate-limited server refuses a few, not --concurrency);
// a first window answered without a refusal opens the ceiling, and so do 25 ms without a refusal
// back (refusals are fast, answers slow: a slow model costs 25 ms, not a round trip). A refusal (429, 503) or a time-out
// halves the limit, once per round of requests sent since the last cut; each round of successes
// adds one. Pure: time is passed in.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>

namespace synthgen {

class ConcurrencyLimit {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t first_window = 16;
  static constexpr std::chrono::milliseconds first_window_grace{25};

  explicit ConcurrencyLimit(std::size_t ceiling);

  // The requests that may be in flight now; never fewer than `floor`, what the paced send rate
  // needs (SendRate::in_flight_needed), so the limit never starves the pacing.
  [[nodiscard]] std::size_t limit(Clock::time_point now, std::size_t floor = 0);
  // When the first window opens by itself, while it is still closed.
  [[nodiscard]] std::optional<Clock::time_point> opens_at() const;
  [[nodiscard]] std::size_t ceiling() const { return ceiling_; }
  [[nodiscard]] std::size_t cuts() const { return cuts_; }

  void on_send(Clock::time_point now);
  void on_success();
  // An overload signal (429, 503, a time-out) for a request sent at `sent`.
  void on_overload(Clock::time_point now, Clock::time_point sent);

 private:
  void open();  // the ceiling, for a first window that met no refusal

  std::size_t ceiling_;
  std::size_t limit_;
  bool opened_ = false;  // the first window was answered, or refused
  std::size_t successes_ = 0;
  std::size_t cuts_ = 0;
  Clock::time_point cut_{};
  std::optional<Clock::time_point> first_send_;
};

}  // namespace synthgen
