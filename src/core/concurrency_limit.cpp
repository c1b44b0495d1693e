// AIMD of the requests in flight: halve on overload (once a round), one more per round of successes.
#include "synthgen/core/concurrency_limit.hpp"

#include <algorithm>

namespace synthgen {

ConcurrencyLimit::ConcurrencyLimit(std::size_t ceiling)
    : ceiling_(std::max<std::size_t>(1, ceiling)), limit_(std::min(first_window, ceiling_)) {}

std::size_t ConcurrencyLimit::limit(Clock::time_point now, std::size_t floor) {
  if (auto opens = opens_at(); opens && now >= *opens) open();
  return std::min(ceiling_, std::max(limit_, floor));
}

std::optional<ConcurrencyLimit::Clock::time_point> ConcurrencyLimit::opens_at() const {
  if (opened_ || !first_send_) return std::nullopt;
  return *first_send_ + first_window_grace;
}

void ConcurrencyLimit::on_send(Clock::time_point now) {
  if (!first_send_) first_send_ = now;
}

void ConcurrencyLimit::open() {
  opened_ = true;
  successes_ = 0;
  limit_ = ceiling_;
}

void ConcurrencyLimit::on_success() {
  if (!opened_) {
    // The whole first window came back without a refusal: no reason to hold back. (Its refusals
    // come back faster than its answers, so one answer alone proves nothing.)
    if (++successes_ >= limit_) open();
    return;
  }
  if (limit_ >= ceiling_) return;
  if (++successes_ >= limit_) {
    successes_ = 0;
    ++limit_;
  }
}

void ConcurrencyLimit::on_overload(Clock::time_point now, Clock::time_point sent) {
  opened_ = true;
  if (sent < cut_) return;  // sent before the last cut: that cut already answered it
  limit_ = std::max<std::size_t>(1, limit_ / 2);
  successes_ = 0;
  cut_ = now;
  ++cuts_;
}

}  // namespace synthgen
