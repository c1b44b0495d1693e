// The requests waiting to be sent again, votes and /rows pages alike, each until its wait is over:
// the server's own wish (Retry-After and the like, heard on a 429 or 503 only) or an exponential backoff with jitter, never
// longer than --max-retry-wait, and at most --max-retries times per request.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

#include "synthgen/core/retry.hpp"
#include "synthgen/io/http_pool.hpp"

namespace synthgen {

class RetryQueue {
 public:
  using Clock = std::chrono::steady_clock;

  RetryQueue(int max_retries, std::uint64_t seed, Millis max_wait, SecondsUntil seconds_until);

  // Queues `request` to be sent again after `response` and returns the wait; nothing when its
  // retries are used up (then it is forgotten, and the caller counts the failure).
  std::optional<Millis> again(HttpRequest request, const HttpResponse& response, Clock::time_point now);
  // The request whose wait is over, the soonest first.
  std::optional<HttpRequest> ready(Clock::time_point now);
  [[nodiscard]] std::optional<Clock::time_point> next_ready() const;
  // The request was answered: should it fail again later, its retries start over.
  void forget(std::uint64_t tag) { attempts_.erase(tag); }
  [[nodiscard]] bool empty() const { return waiting_.empty(); }
  [[nodiscard]] std::size_t size() const { return waiting_.size(); }

 private:
  struct Waiting {
    Clock::time_point ready;
    std::uint64_t order;  // the order queued: equal times leave first in, first out
    HttpRequest request;
    bool operator>(const Waiting& other) const { return ready != other.ready ? ready > other.ready : order > other.order; }
  };

  int max_retries_;
  std::uint64_t seed_;
  Millis max_wait_;
  SecondsUntil seconds_until_;
  std::priority_queue<Waiting, std::vector<Waiting>, std::greater<>> waiting_;
  std::unordered_map<std::uint64_t, int> attempts_;  // retries so far, by tag
  std::uint64_t queued_ = 0;
};

}  // namespace synthgen
