// Failed requests wait here for their turn to be sent again.
#include "synthgen/app/retry_queue.hpp"

#include <utility>

#include "synthgen/core/random.hpp"

namespace synthgen {

RetryQueue::RetryQueue(int max_retries, std::uint64_t seed, Millis max_wait, SecondsUntil seconds_until)
    : max_retries_(max_retries), seed_(seed), max_wait_(max_wait), seconds_until_(std::move(seconds_until)) {}

std::optional<Millis> RetryQueue::again(HttpRequest request, const HttpResponse& response, Clock::time_point now) {
  auto& attempt = attempts_[request.tag];
  if (attempt >= max_retries_) {
    attempts_.erase(request.tag);
    return std::nullopt;
  }
  // Only a 429 or 503 says when to retry; an unreadable 200's Retry-After is about nothing here.
  const auto hints = retry_hints(response);
  const auto requested = status_says_when_to_retry(response.status) ? server_requested_wait(hints, seconds_until_) : std::nullopt;
  const auto wait = retry_delay(attempt, requested, derive_seed(seed_, request.tag, static_cast<std::uint64_t>(attempt)), max_wait_);
  ++attempt;
  waiting_.push({now + wait, queued_++, std::move(request)});
  return wait;
}

std::optional<HttpRequest> RetryQueue::ready(Clock::time_point now) {
  if (waiting_.empty() || waiting_.top().ready > now) return std::nullopt;
  // The queue's top is const; its request is moved out just before the pop that drops it.
  auto request = std::move(const_cast<Waiting&>(waiting_.top()).request);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  waiting_.pop();
  return request;
}

std::optional<RetryQueue::Clock::time_point> RetryQueue::next_ready() const {
  if (waiting_.empty()) return std::nullopt;
  return waiting_.top().ready;
}

}  // namespace synthgen
