// The choice rule of the pool: (in flight + 1) x latency x (1 + 9 x refused share), lowest wins.
#include "synthgen/core/endpoint_choice.hpp"

#include <limits>

namespace synthgen {
namespace {

// A refusal or failure in every answer makes an endpoint look ten times as slow: a failing endpoint
// answers fast, and must not look like the fastest.
constexpr double refusal_weight = 9.0;

}  // namespace

double expected_wait_ms(const EndpointLoad& endpoint, double unknown_latency_ms) {
  const double latency = endpoint.latency_ms > 0 ? endpoint.latency_ms : unknown_latency_ms;
  return static_cast<double>(endpoint.in_flight + 1) * latency * (1.0 + refusal_weight * endpoint.refused_share);
}

std::optional<std::size_t> choose_endpoint(std::span<const EndpointLoad> endpoints, std::optional<std::size_t> avoid) {
  double fastest = std::numeric_limits<double>::infinity();
  for (const auto& e : endpoints) {
    if (e.latency_ms > 0 && e.latency_ms < fastest) fastest = e.latency_ms;
  }
  const double unknown = fastest == std::numeric_limits<double>::infinity() ? 1.0 : fastest;
  std::optional<std::size_t> best;
  double best_wait = 0;
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    if (!endpoints[i].available) continue;
    const double wait = expected_wait_ms(endpoints[i], unknown);
    const bool avoided = avoid == i;
    const bool best_avoided = best && avoid == *best;
    if (!best || (best_avoided && !avoided) || (avoided == best_avoided && wait < best_wait)) {
      best = i;
      best_wait = wait;
    }
  }
  return best;
}

}  // namespace synthgen
