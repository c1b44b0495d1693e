// The rate the request loop may send at, learnt from the server's refusals (429): unpaced until they
// matter (core/last_second.hpp: a few among many sends are no limit), then a fast probe up, a short measurement of what the server accepts
// while it refuses, and a cruise just under that rate that creeps up until the next refusal. Sends are paced by a small token bucket of our
// own, with jitter, so retries never leave in lockstep. Pure: time is passed in.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "synthgen/core/last_second.hpp"
#include "synthgen/core/retry.hpp"

namespace synthgen {

class SendRate {
 public:
  using Clock = std::chrono::steady_clock;

  enum class Phase {
    unlimited,  // no refusals that matter yet: no pacing
    probing,    // refused, rate unknown: the rate doubles every step until the next refusal
    measuring,  // refused at this rate: what the server accepts now is its limit
    cruising,   // just under the measured limit, creeping up by cruise_growth_per_s
  };

  // The share of the measured limit to cruise at, and how fast the cruise creeps up (a share of the
  // rate per second): refusals come back only when the creep has used the server's own burst.
  static constexpr double cruise_share = 0.95;
  static constexpr double cruise_growth_per_s = 0.05;
  static constexpr double min_per_s = 0.2;  // one request every 5 s at the least

  explicit SendRate(std::uint64_t jitter_seed) : jitter_state_(jitter_seed) {}

  // The earliest time the next request may go; nothing: it may go now.
  [[nodiscard]] std::optional<Clock::time_point> wait_until(Clock::time_point now);
  // A request went out now: it spends one token (give or take its jitter).
  void on_send(Clock::time_point now);
  // An answer came back now, `latency` after its request was sent.
  void on_accepted(Clock::time_point now, Millis latency);
  // The server refused (429) a request sent at `sent`; refusals of requests sent before the rate was
  // last cut tell nothing new and are ignored.
  void on_refused(Clock::time_point now, Clock::time_point sent);
  // The server said no request can succeed before `until` (x-ratelimit-remaining-requests: 0).
  void hold_until(Clock::time_point until);

  [[nodiscard]] Phase phase() const { return phase_; }
  // The paced rate in requests per second; nothing while unlimited.
  [[nodiscard]] std::optional<double> per_second() const;
  // Answers per second accepted over about the last second.
  [[nodiscard]] double accepted_per_second(Clock::time_point now) const;
  // The requests in flight that the paced rate needs (rate x latency, with half again to spare);
  // 0 while unlimited.
  [[nodiscard]] std::size_t in_flight_needed() const;
  [[nodiscard]] Millis typical_latency() const { return Millis(static_cast<std::int64_t>(latency_ms_)); }

 private:
  void advance(Clock::time_point now);  // the phase's clock: probing steps, the end of a measurement, the creep
  void refill(Clock::time_point now);
  void cut_to(double per_s, Clock::time_point now);
  [[nodiscard]] Millis step() const;  // one probing step or the shortest measurement: 50 ms, or the latency if longer
  void start_measuring(Clock::time_point now);

  Phase phase_ = Phase::unlimited;
  double rate_ = 0;    // requests per second, when paced
  double tokens_ = 1;  // the own bucket: at most max(1, rate x 20 ms)
  Clock::time_point refilled_{};
  Clock::time_point phase_start_{};  // when the phase (or the probing step) began
  Clock::time_point cut_{};          // when the rate was last cut: older refusals are ignored
  Clock::time_point held_until_{};
  std::size_t measured_ = 0;                 // answers accepted since the measurement began
  std::size_t refused_while_measuring_ = 0;  // refusals of requests sent since it began
  bool from_probe_ = false;                  // the measurement interrupted a probe
  double cruise_base_ = 0;                   // the rate the cruise started from
  double peak_accepted_ = 0;                 // the most answers accepted in a second so far
  double latency_ms_ = 0;                    // a moving average of the answers' latency
  LastSecond accepted_;
  LastSecond sent_;
  LastSecond refused_;
  std::uint64_t jitter_state_;
};

}  // namespace synthgen
