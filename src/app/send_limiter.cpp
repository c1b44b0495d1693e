// What each answer tells the limiter: an answer is a success, a 429 a refusal to pace by, and a
// 429, a 503 or a time-out a reason for fewer in flight once they matter; a spent x-ratelimit
// budget holds all sends.
#include "synthgen/app/send_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace synthgen {

SendLimiter::SendLimiter(std::size_t ceiling, std::uint64_t seed, Millis longest_hold)
    : rate_(seed), concurrency_(ceiling), longest_hold_(longest_hold) {}

std::optional<SendLimiter::Clock::time_point> SendLimiter::held_back(Clock::time_point now) {
  if (auto until = rate_.wait_until(now)) return until;
  if (in_flight_ >= in_flight_limit(now)) return concurrency_.opens_at().value_or(now + std::chrono::seconds(1));
  return std::nullopt;
}

void SendLimiter::on_send(Clock::time_point now) {
  ++in_flight_;
  sent_.add(now);
  rate_.on_send(now);
  concurrency_.on_send(now);
}

bool SendLimiter::on_answer(const HttpResponse& response, Clock::time_point now) {
  if (in_flight_ > 0) --in_flight_;
  const auto sent = now - response.elapsed;
  hold_for_spent_budget(response, now);
  if (response.ok()) {
    rate_.on_accepted(now, response.elapsed);
    concurrency_.on_success();
    return false;
  }
  const bool answered = response.transport_error.empty();
  const bool refused = answered && response.status == 429;
  if (refused || (answered && response.status == 503) || response.timed_out) {
    overloads_.add(now);
    if (refusals_matter(overloads_.count(now), sent_.count(now))) concurrency_.on_overload(now, sent);
  }
  if (!refused) return false;
  const auto was = rate_.per_second();
  rate_.on_refused(now, sent);
  const auto pace = rate_.per_second();
  return pace && (!was || std::abs(*was - *pace) >= 0.5);
}

// x-ratelimit-remaining-requests (or -tokens) of 0 says nothing can succeed before its reset.
void SendLimiter::hold_for_spent_budget(const HttpResponse& r, Clock::time_point now) {
  RetryHints budget;  // the four budget headers only: this runs for every answer
  budget.ratelimit_remaining_requests = r.ratelimit_remaining_requests;
  budget.ratelimit_reset_requests = r.ratelimit_reset_requests;
  budget.ratelimit_remaining_tokens = r.ratelimit_remaining_tokens;
  budget.ratelimit_reset_tokens = r.ratelimit_reset_tokens;
  if (auto wait = exhausted_budget_reset(budget)) rate_.hold_until(now + std::min(*wait, longest_hold_));
}

}  // namespace synthgen
