// Counts of two parts of one run added up.
#include "synthgen/core/request_counts.hpp"

#include <algorithm>

namespace synthgen {

RequestCounts& RequestCounts::operator+=(const RequestCounts& c) {
  requests += c.requests;
  retries += c.retries;
  cached += c.cached;
  skipped_votes += c.skipped_votes;
  failed_requests += c.failed_requests;
  for (const auto& [kind, n] : c.failures) failures[kind] += n;
  for (const auto& [kind, n] : c.retried) retried[kind] += n;
  invalid_answers += c.invalid_answers;
  for (const auto& [reason, n] : c.no_votes_by_reason) no_votes_by_reason[reason] += n;
  paced_per_s = std::max(paced_per_s, c.paced_per_s);
  prompt_tokens += c.prompt_tokens;
  completion_tokens += c.completion_tokens;
  for (const auto& e : c.endpoints) {
    auto same = std::ranges::find(endpoints, e.url, &EndpointCounts::url);
    if (same == endpoints.end()) {
      endpoints.push_back(e);
      continue;
    }
    same->requests += e.requests;
    same->failed += e.failed;
    same->refused += e.refused;
    same->median_ms = std::max(same->median_ms, e.median_ms);  // a timing: the slower part's, as wall times
  }
  return *this;
}

}  // namespace synthgen
