// When to retry a failed request and how long to wait: the conventions of huggingface_hub and
// openai-python (wire-formats section 4), as pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace synthgen {

using Millis = std::chrono::milliseconds;

// What a finished exchange means for the run.
enum class Verdict {
  answer,        // a 2xx with a readable answer
  retry,         // 408, 429 (rate limit), 5xx, connection errors, an unreadable 2xx body
  fail,          // a final failure of this request only (e.g. 400 or 422 for this input): counted
  stop_auth,     // 401/403: no further request can succeed
  stop_credits,  // 402, or a 429 that says the quota or credits are spent
  stop_config,   // 404 or model_not_supported: the endpoint or model is wrong
};

// `status` is 0 when no HTTP answer arrived; `body_readable` says whether a 2xx body held an answer.
Verdict classify_response(long status, std::string_view body, bool body_readable);

// The wait a server asked for, if any: retry-after-ms, then Retry-After (seconds or an HTTP date,
// turned into seconds by `seconds_until`), then RateLimit's t=, then a loading model's estimated_time.
struct RetryHints {
  std::string retry_after;
  std::string retry_after_ms;
  std::string ratelimit;
  std::string body;
};
using SecondsUntil = std::function<std::optional<double>(std::string_view http_date)>;
std::optional<Millis> server_requested_wait(const RetryHints& hints, const SecondsUntil& seconds_until);

// Exponential backoff with jitter: 1, 2, 4, 8, 8 ... seconds, each shortened by up to 25 %.
Millis backoff_delay(int attempt, std::uint64_t jitter_seed);

// The wait before the next attempt: the server's wish if it gave one, else the backoff; never
// more than `cap`.
Millis retry_delay(int attempt, std::optional<Millis> requested, std::uint64_t jitter_seed, Millis cap);

}  // namespace synthgen
