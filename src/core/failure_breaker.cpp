// Failures in a row open a pause; an answer closes the breaker.
#include "synthgen/core/failure_breaker.hpp"

#include <algorithm>

#include "synthgen/core/random.hpp"

namespace synthgen {

void FailureBreaker::on_success() {
  in_a_row_ = 0;
  pauses_ = 0;
}

std::optional<Millis> FailureBreaker::on_failure(Clock::time_point now) {
  if (++in_a_row_ < failures_before_pause) return std::nullopt;
  return trip(now);
}

Millis FailureBreaker::trip(Clock::time_point now) {
  in_a_row_ = 0;
  const auto pause = std::min(backoff_delay(pauses_++, derive_seed(seed_, opened_++)), max_pause_);
  paused_until_ = now + pause;
  return pause;
}

}  // namespace synthgen
