// Which endpoint of a pool takes the next request: among those that may send now, the one where a
// request is expected to wait least. Pure: each endpoint's state is passed in.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

namespace synthgen {

struct EndpointLoad {
  bool available = true;      // not held back (pace, in-flight limit), not set aside, no probe out
  std::size_t in_flight = 0;  // its requests sent and not answered
  double latency_ms = 0;      // its answers' recent latency; 0: none measured yet
  double refused_share = 0;   // its recent answers that were refusals or failures, 0 to 1
};

// What a request sent to `endpoint` is expected to wait, in ms: one more in its queue times its
// latency, made longer by its refusals. `unknown_latency_ms` stands in for a latency not measured.
double expected_wait_ms(const EndpointLoad& endpoint, double unknown_latency_ms);

// The available endpoint with the lowest expected wait (the first of equals), or nothing when none
// is available. An endpoint not measured yet counts as fast as the fastest measured one, so it is
// tried early and learns its latency.
// `avoid`: an endpoint not to choose while another is available (where a retry failed).
std::optional<std::size_t> choose_endpoint(std::span<const EndpointLoad> endpoints, std::optional<std::size_t> avoid = std::nullopt);

}  // namespace synthgen
