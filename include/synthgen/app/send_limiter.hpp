// The limiter of one endpoint: when the next vote may go, learnt from what the endpoint answers.
// It joins the pace (core/send_rate: 429s), the number in flight (core/concurrency_limit: 429, 503,
// time-outs, once they matter: core/last_second.hpp) and the endpoint's own word
// (x-ratelimit-remaining-* of 0: nothing before the reset).
// The request loop asks it before each vote, tells it of each send and hands it each answer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "synthgen/core/concurrency_limit.hpp"
#include "synthgen/core/last_second.hpp"
#include "synthgen/core/retry.hpp"
#include "synthgen/core/send_rate.hpp"
#include "synthgen/io/http_pool.hpp"

namespace synthgen {

class SendLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `ceiling`: --concurrency; `longest_hold`: --max-retry-wait, the longest an endpoint's reset is waited for.
  SendLimiter(std::size_t ceiling, std::uint64_t seed, Millis longest_hold);

  // When the next vote may go; nothing: now. The pace first, then the number in flight (for which
  // the loop is also woken by any answer).
  [[nodiscard]] std::optional<Clock::time_point> held_back(Clock::time_point now);
  void on_send(Clock::time_point now);
  // The answer to a vote, whatever it is; true when it changed the pace (for the log).
  bool on_answer(const HttpResponse& response, Clock::time_point now);

  [[nodiscard]] std::size_t in_flight() const { return in_flight_; }
  [[nodiscard]] std::optional<double> pace() const { return rate_.per_second(); }
  [[nodiscard]] std::size_t in_flight_limit(Clock::time_point now) { return concurrency_.limit(now, rate_.in_flight_needed()); }

 private:
  void hold_for_spent_budget(const HttpResponse& response, Clock::time_point now);

  SendRate rate_;
  ConcurrencyLimit concurrency_;
  LastSecond sent_;
  LastSecond overloads_;  // 429s, 503s and time-outs: fewer in flight only once they matter
  Millis longest_hold_;
  std::size_t in_flight_ = 0;
};

}  // namespace synthgen
