// The moving rate: samples kept for one window, plus the newest one older than it as the anchor,
// so the rate always spans a whole window once the run is that old.
#include "synthgen/core/moving_rate.hpp"

namespace synthgen {

MovingRate::MovingRate(double window_s, double min_span_s) : window_s_(window_s), min_span_s_(min_span_s) {}

void MovingRate::add(double t, double count) {
  samples_.push_back({t, count});
  // Drop the anchor while the next sample is itself at or before the window's start.
  while (samples_.size() > 2 && samples_[1].t <= t - window_s_) samples_.pop_front();
}

std::optional<double> MovingRate::per_second() const {
  if (samples_.size() < 2) return std::nullopt;
  const auto& oldest = samples_.front();
  const auto& newest = samples_.back();
  const double span = newest.t - oldest.t;
  if (span < min_span_s_ || span <= 0) return std::nullopt;
  return (newest.count - oldest.count) / span;
}

std::optional<double> eta_seconds(double left, std::optional<double> per_second) {
  if (left <= 0) return 0.0;
  if (!per_second || *per_second <= 0) return std::nullopt;
  return left / *per_second;
}

}  // namespace synthgen
