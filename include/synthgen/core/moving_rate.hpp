// A rate over the last stretch of a run (e.g. the last 20 s), not since its start: a run that sped
// up after a slow start, or slowed down under a rate limit, gets an ETA that says so.
// Pure: the caller passes the times (seconds from any fixed start) and the running counts.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>

namespace synthgen {

class MovingRate {
 public:
  // window_s: how far back the rate looks; min_span_s: the shortest stretch that gives a rate at all.
  explicit MovingRate(double window_s = 20.0, double min_span_s = 1.0);

  // The running count at time t (t never goes back; the count never falls).
  void add(double t, double count);
  // Counted per second over the window: from the newest sample back to the last one at or before
  // the window's start; nothing until the samples span min_span_s.
  [[nodiscard]] std::optional<double> per_second() const;

 private:
  struct Sample {
    double t;
    double count;
  };
  double window_s_;
  double min_span_s_;
  std::deque<Sample> samples_;  // oldest first; the first one is at or before the window's start
};

// Seconds until `left` more are done at `per_second`; nothing when there is no rate or it is zero.
std::optional<double> eta_seconds(double left, std::optional<double> per_second);

}  // namespace synthgen
