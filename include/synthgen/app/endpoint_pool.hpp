// The inference endpoints of a run and what is known of each: its limiter (pace, number in
// flight), its breaker (failures in a row), its counts and latency, and whether it is set aside.
// The request loop asks it which endpoint takes the next vote, tells it of each send, and hands it
// each answer. With one endpoint it is the loop of old: a pause after failures in a row, no set-aside,
// never "down". With two or more, an endpoint that fails (a refused connection, failures in a row) is
// set aside for the breaker's backoff, then gets one request (a probe) before any other: an answer
// brings it back, a failure sets it aside again, for longer. Every endpoint set aside with its probe
// failed: the pool is down, and the run stops.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "synthgen/app/send_limiter.hpp"
#include "synthgen/core/failure_breaker.hpp"
#include "synthgen/core/request_counts.hpp"
#include "synthgen/core/retry.hpp"
#include "synthgen/io/http_pool.hpp"

namespace synthgen {

struct PoolTarget {
  std::string url;           // where its votes are posted
  std::string shown;         // its base URL for logs and the report, without user-info
  std::size_t ceiling = 64;  // its concurrency
  HeaderList headers;        // of its votes: the wire format's, and its own token's Authorization
};

class EndpointPool {
 public:
  using Clock = std::chrono::steady_clock;
  // Set aside this many times in a row (the first time and failed probes) is down.
  static constexpr int downs_before_down = 2;
  // One endpoint that never once let a connection in is taken to be the wrong address after this
  // many pauses (a few seconds), not retried vote by vote for minutes.
  static constexpr int pauses_before_unreachable = 3;

  // `max_pause`: --max-retry-wait, the longest pause or set-aside.
  EndpointPool(std::vector<PoolTarget> targets, std::uint64_t seed, Millis max_pause);

  [[nodiscard]] std::size_t size() const { return endpoints_.size(); }
  [[nodiscard]] const PoolTarget& target(std::size_t i) const { return endpoints_[i].target; }
  // The endpoint a request was sent to, by its URL.
  [[nodiscard]] std::optional<std::size_t> index_of(const std::string& url) const;

  // One endpoint: nothing is sent before its breaker's pause is over (the loop of old).
  [[nodiscard]] std::optional<Clock::time_point> paused_until(Clock::time_point now) const;
  // The endpoint for the next vote; else when one may take it. `avoid`: where a retry failed, chosen
  // only when no other endpoint may take it now.
  std::variant<std::size_t, Clock::time_point> choose(Clock::time_point now, std::optional<std::size_t> avoid = std::nullopt);

  void on_send(std::size_t i, std::uint64_t tag, Clock::time_point now);
  // Every answer to a vote (whatever it is); true when it changed the endpoint's pace (for the log).
  bool on_answer(std::size_t i, std::uint64_t tag, const HttpResponse& response, Clock::time_point now);
  // The vote was answered.
  void on_success(std::size_t i);
  // A passing failure that is not a 429: for one endpoint, the pause it opens, if any (the caller
  // logs it as of old); a pool logs its set-asides itself. `why` names it for the stop when every
  // endpoint is down.
  std::optional<Millis> on_failure(std::size_t i, const std::string& why, const HttpResponse& response, Clock::time_point now);

  // An answer that stops a run on one endpoint (a refused token, no credits, a model it does not
  // serve): in a pool, no more requests go to it for the rest of the run; true when every
  // endpoint is now retired (then the run stops). One endpoint: always true.
  bool retire(std::size_t i, const std::string& why);
  // Every endpoint retired: "URL (why); URL (why)"; else nothing.
  [[nodiscard]] std::optional<std::string> all_retired() const;

  [[nodiscard]] bool pooled() const { return endpoints_.size() > 1; }
  [[nodiscard]] int pauses(std::size_t i) const { return endpoints_[i].breaker.pauses(); }
  [[nodiscard]] std::optional<double> pace(std::size_t i) const { return endpoints_[i].limiter.pace(); }
  // Every endpoint is set aside, failed its probe and has none out: "URL (why); URL (why)"; else nothing.
  [[nodiscard]] std::optional<std::string> all_down() const;
  // Every endpoint refused every connection since the start, each through its pauses: "URL (why)";
  // else nothing. (One that ever connected rides out an outage with its retries.)
  [[nodiscard]] std::optional<std::string> never_reached() const;
  // The pace 429s left the run at: the endpoints' paces together (0: never limited).
  [[nodiscard]] double paced_per_s() const;
  // Each endpoint's counts, for the report of a pool.
  [[nodiscard]] std::vector<EndpointCounts> counts() const;

 private:
  struct Endpoint {
    Endpoint(PoolTarget target, std::uint64_t seed, Millis max_pause);

    PoolTarget target;
    SendLimiter limiter;
    FailureBreaker breaker;
    EndpointCounts counts;
    std::map<long, std::size_t> latencies;  // ms of 2xx answers -> how many: an exact median in bounded memory
    double latency_ewma_ms = 0;
    double refused_share = 0;
    int downs = 0;  // set aside in a row without an answer since
    Clock::time_point aside_until{};
    std::optional<std::uint64_t> probe;  // the tag of the probe in flight
    std::string why;                     // the last failure that set it aside
    bool reached = false;                // a connection to it ever opened (any answer, or a time-out)
    bool retired = false;                // refused the run: never chosen again
  };

  void set_aside(Endpoint& e, Millis pause);
  [[nodiscard]] std::optional<Clock::time_point> busy_until(Endpoint& e, Clock::time_point now);

  std::vector<Endpoint> endpoints_;
};

}  // namespace synthgen
