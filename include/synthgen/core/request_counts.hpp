// What the requests of a run came to: sent, retried, taken from the store, failed, and the tokens
// billed. One struct, filled by the request loop and carried as is into the run's summary.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace synthgen {

// One endpoint of a pool: what it was sent and how it answered.
struct EndpointCounts {
  std::string url;           // redacted: no user-info
  std::size_t requests = 0;  // sent to it, retries included
  std::size_t failed = 0;    // answered with neither a 2xx nor a 429, or not at all
  std::size_t refused = 0;   // 429s
  long median_ms = 0;        // of its 2xx answers (0: none)
};

struct RequestCounts {
  std::size_t requests = 0;  // inference requests sent, retries included
  std::size_t retries = 0;
  std::size_t cached = 0;                       // votes answered from the response store
  std::size_t skipped_votes = 0;                // votes not asked for: the row's majority was already settled
  std::size_t failed_requests = 0;              // votes whose request failed for good
  std::map<std::string, std::size_t> failures;  // final failures by kind: "http_500", "transport", "bad_body", ...
  std::map<std::string, std::size_t> retried;   // retries by the kind of failure behind them
  std::size_t invalid_answers = 0;              // answers that gave no vote, whatever the reason
  // Those answers by reason: "no_label" (text naming no one label), "no_text" (no text: tool calls,
  // reasoning only, an unclosed <think>), "length" (cut at max_tokens).
  std::map<std::string, std::size_t> no_votes_by_reason;
  double paced_per_s = 0;  // the pace the endpoint's 429s left the run at, requests per second (0: never limited)
  long prompt_tokens = 0;
  long completion_tokens = 0;
  std::vector<EndpointCounts> endpoints;  // each endpoint of a pool (two or more); empty for one endpoint

  // Adds another part's counts (a shard's, at the merge); the pace is the higher of the two, and so
  // is an endpoint's median latency; endpoints are matched by URL.
  RequestCounts& operator+=(const RequestCounts& other);
};

}  // namespace synthgen
