// The circuit breaker of the request loop: after many failures in a row the service is taken to be
// down or overloaded, and all sending pauses for a backoff that grows with each pause. Pure: the
// time is passed in.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "synthgen/core/retry.hpp"

namespace synthgen {

class FailureBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int failures_before_pause = 10;

  FailureBreaker(std::uint64_t seed, Millis max_pause) : seed_(seed), max_pause_(max_pause) {}

  // An answer came: the service is up, the next pause starts short again.
  void on_success();
  // A failure; the pause it opens when it is the failures_before_pause-th in a row, else nothing.
  std::optional<Millis> on_failure(Clock::time_point now);
  // A failure that is news enough alone (a refused connection): opens the next pause now.
  Millis trip(Clock::time_point now);
  // Nothing may be sent before then.
  [[nodiscard]] Clock::time_point paused_until() const { return paused_until_; }
  [[nodiscard]] int pauses() const { return pauses_; }  // since the last success

 private:
  std::uint64_t seed_;
  Millis max_pause_;
  int in_a_row_ = 0;
  int pauses_ = 0;
  std::uint64_t opened_ = 0;  // pauses ever opened: each draws its own jitter
  Clock::time_point paused_until_{};
};

}  // namespace synthgen
