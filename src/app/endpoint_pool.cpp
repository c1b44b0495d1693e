// Each endpoint's limiter, breaker, counts and set-aside state; the choice among them is
// core/endpoint_choice's.
#include "synthgen/app/endpoint_pool.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "synthgen/core/endpoint_choice.hpp"
#include "synthgen/core/random.hpp"

namespace synthgen {
namespace {

// The weight of the newest answer in the latency and refusal averages.
constexpr double ewma_weight = 0.2;
// The set-asides of one endpoint that are news; after those it is known to be down: debug lines.
constexpr int set_asides_shown = 3;

// A failure of the endpoint itself (not of the request): no answer, or a 5xx.
bool endpoint_failed(const HttpResponse& r) { return (!r.transport_error.empty() && !r.too_large) || r.status >= 500; }

long median_of(const std::map<long, std::size_t>& latencies, std::size_t count) {
  if (count == 0) return 0;
  std::size_t seen = 0;
  for (const auto& [ms, n] : latencies) {
    seen += n;
    if (2 * seen >= count) return ms;
  }
  return latencies.rbegin()->first;
}

}  // namespace

EndpointPool::Endpoint::Endpoint(PoolTarget t, std::uint64_t seed, Millis max_pause)
    : target(std::move(t)),
      limiter(target.ceiling, derive_seed(seed, 0x72617465), max_pause),
      breaker(seed, max_pause),
      counts{.url = target.shown} {}

EndpointPool::EndpointPool(std::vector<PoolTarget> targets, std::uint64_t seed, Millis max_pause) {
  endpoints_.reserve(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    // The first endpoint draws the seeds of old, so one endpoint paces and pauses as before.
    endpoints_.emplace_back(std::move(targets[i]), i == 0 ? seed : derive_seed(seed, 0x706f6f6c + i), max_pause);
  }
}

std::optional<std::size_t> EndpointPool::index_of(const std::string& url) const {
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    if (endpoints_[i].target.url == url) return i;
  }
  return std::nullopt;
}

std::optional<EndpointPool::Clock::time_point> EndpointPool::paused_until(Clock::time_point now) const {
  if (pooled()) return std::nullopt;  // a pool sets an endpoint aside instead: choose() skips it
  const auto until = endpoints_.front().breaker.paused_until();
  if (until > now) return until;
  return std::nullopt;
}

// When the endpoint may take a vote; nothing: now.
std::optional<EndpointPool::Clock::time_point> EndpointPool::busy_until(Endpoint& e, Clock::time_point now) {
  if (e.downs > 0) {
    if (e.aside_until > now) return e.aside_until;
    if (e.probe) return now + std::chrono::seconds(1);  // the probe's answer wakes the loop sooner
  }
  return e.limiter.held_back(now);
}

std::variant<std::size_t, EndpointPool::Clock::time_point> EndpointPool::choose(Clock::time_point now, std::optional<std::size_t> avoid) {
  if (!pooled()) {
    if (auto until = endpoints_.front().limiter.held_back(now)) return *until;
    return std::size_t{0};
  }
  std::vector<EndpointLoad> loads;
  loads.reserve(endpoints_.size());
  std::optional<Clock::time_point> soonest;
  for (auto& e : endpoints_) {
    const auto until = busy_until(e, now);
    if (until && (!soonest || *until < *soonest)) soonest = until;
    loads.push_back({!until, e.limiter.in_flight(), e.latency_ewma_ms, e.refused_share});
  }
  if (auto chosen = choose_endpoint(loads, avoid)) return *chosen;
  return *soonest;
}

void EndpointPool::on_send(std::size_t i, std::uint64_t tag, Clock::time_point now) {
  auto& e = endpoints_[i];
  ++e.counts.requests;
  e.limiter.on_send(now);
  if (pooled() && e.downs > 0 && !e.retired) e.probe = tag;
}

bool EndpointPool::on_answer(std::size_t i, std::uint64_t tag, const HttpResponse& response, Clock::time_point now) {
  auto& e = endpoints_[i];
  if (!response.connect_failed) e.reached = true;
  const bool refused = response.transport_error.empty() && response.status == 429;
  if (response.ok()) {
    const auto ms = static_cast<double>(response.elapsed.count());
    e.latency_ewma_ms = e.latency_ewma_ms == 0 ? std::max(ms, 1.0) : (1 - ewma_weight) * e.latency_ewma_ms + ewma_weight * ms;
    ++e.latencies[static_cast<long>(response.elapsed.count())];
  } else {
    ++(refused ? e.counts.refused : e.counts.failed);
  }
  e.refused_share = (1 - ewma_weight) * e.refused_share + (response.ok() ? 0.0 : ewma_weight);
  if (e.probe == tag && !e.retired) {
    e.probe.reset();
    if (!endpoint_failed(response)) {
      spdlog::info("endpoint {} answers again", e.target.shown);
      e.downs = 0;
      e.breaker.on_success();
    } else {
      e.why = response.transport_error.empty() ? "http_" + std::to_string(response.status) : "transport: " + response.transport_error;
      set_aside(e, e.breaker.trip(now));
    }
  }
  return e.limiter.on_answer(response, now);
}

void EndpointPool::on_success(std::size_t i) { endpoints_[i].breaker.on_success(); }

std::optional<Millis> EndpointPool::on_failure(std::size_t i, const std::string& why, const HttpResponse& response, Clock::time_point now) {
  auto& e = endpoints_[i];
  if (!pooled()) {
    e.why = why;
    return e.breaker.on_failure(now);
  }
  if (e.downs > 0) return std::nullopt;  // sent before it was set aside, or the probe (judged on its answer)
  const auto pause = response.connect_failed ? std::optional(e.breaker.trip(now)) : e.breaker.on_failure(now);
  if (!pause) return std::nullopt;
  e.why = why;
  set_aside(e, *pause);
  return std::nullopt;
}

void EndpointPool::set_aside(Endpoint& e, Millis pause) {
  ++e.downs;
  e.aside_until = e.breaker.paused_until();
  spdlog::log(e.downs <= set_asides_shown ? spdlog::level::warn : spdlog::level::debug,
              "warning: endpoint {} set aside for {:.1f} s ({}); the other endpoints take its requests", e.target.shown,
              static_cast<double>(pause.count()) / 1000.0, e.why);
}

std::optional<std::string> EndpointPool::all_down() const {
  if (!pooled()) return std::nullopt;
  std::string down;
  for (const auto& e : endpoints_) {
    if (e.downs < downs_before_down || e.probe) return std::nullopt;
    down += (down.empty() ? "" : "; ") + e.target.shown + " (" + e.why + ")";
  }
  return down;
}

bool EndpointPool::retire(std::size_t i, const std::string& why) {
  auto& e = endpoints_[i];
  if (!e.retired) {
    e.retired = true;
    e.why = why;
    e.downs = std::max(e.downs, downs_before_down);  // down for all_down() too, with no probe to come
    e.probe.reset();
    e.aside_until = Clock::time_point::max();
    if (pooled()) spdlog::warn("warning: endpoint {} refused the run ({}); the other endpoints take its requests", e.target.shown, why);
  }
  return all_retired().has_value();
}

std::optional<std::string> EndpointPool::all_retired() const {
  std::string out;
  for (const auto& e : endpoints_) {
    if (!e.retired) return std::nullopt;
    out += (out.empty() ? "" : "; ") + e.target.shown + " (" + e.why + ")";
  }
  return out;
}

std::optional<std::string> EndpointPool::never_reached() const {
  std::string down;
  for (const auto& e : endpoints_) {
    if (e.reached || e.breaker.pauses() < pauses_before_unreachable) return std::nullopt;
    down += (down.empty() ? "" : "; ") + e.target.shown + " (" + e.why + ")";
  }
  return down;
}

double EndpointPool::paced_per_s() const {
  double total = 0;
  for (const auto& e : endpoints_) total += e.limiter.pace().value_or(0.0);
  return total;
}

std::vector<EndpointCounts> EndpointPool::counts() const {
  std::vector<EndpointCounts> all;
  for (const auto& e : endpoints_) {
    auto c = e.counts;
    std::size_t answered = 0;
    for (const auto& [ms, n] : e.latencies) answered += n;
    c.median_ms = median_of(e.latencies, answered);
    all.push_back(std::move(c));
  }
  return all;
}

}  // namespace synthgen
