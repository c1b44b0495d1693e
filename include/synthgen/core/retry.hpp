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
  stop_credits,  // 402, or a 429 whose error code or words say the quota or credits are spent
  stop_config,   // 404: the endpoint is wrong
  stop_model,    // a 400/404 that says the model is unknown (model_not_found, invalid_model, ...)
};

// `status` is 0 when no HTTP answer arrived; `body_readable` says whether a 2xx body held an answer.
// A 429 is judged by the body's machine-readable `code` / `type` first (error.code, error.type or
// top-level type: insufficient_quota and billing_hard_limit_reached stop; rate_limit_exceeded,
// requests and tokens wait), then by narrow phrases ("exceeded your current quota", ...), never by one
// word: a rate limit's message links to a billing page too.
Verdict classify_response(long status, std::string_view body, bool body_readable);

// Only a 429 or a 503 says when to retry: a Retry-After on any other answer (providers behind the HF
// router send one on every 200) is not about this failure, and the plain backoff applies.
bool status_says_when_to_retry(long status);

// The wait a server asked for, if any, in this order: retry-after-ms; Retry-After (seconds or an
// HTTP date, turned into seconds by `seconds_until`); RateLimit's t=; the x-ratelimit-reset-* of an
// exhausted budget (the requests' reset when remaining-requests is 0, the tokens' when
// remaining-tokens is 0, the longer when both are); the message's "Please try again in 1m30.5s";
// a loading model's estimated_time.
struct RetryHints {
  std::string retry_after;
  std::string retry_after_ms;
  std::string ratelimit;
  std::string body;
  std::string ratelimit_reset_requests;  // OpenAI/Groq durations: "1s", "6m0s", "20ms"
  std::string ratelimit_reset_tokens;
  std::string ratelimit_remaining_requests;
  std::string ratelimit_remaining_tokens;
};
using SecondsUntil = std::function<std::optional<double>(std::string_view http_date)>;
std::optional<Millis> server_requested_wait(const RetryHints& hints, const SecondsUntil& seconds_until);

// The wait of an exhausted x-ratelimit budget: the reset whose remaining count is 0, the longer of
// two; nothing while neither is spent. (The retry of a refused request waits for it, and the
// limiter holds every send until then.)
std::optional<Millis> exhausted_budget_reset(const RetryHints& hints);

// An OpenAI/Groq (Go) duration as in x-ratelimit-reset-* and "try again in": "20ms", "1s",
// "11.455s", "6m0s", "1m30.5s", "1h2m"; a bare number is seconds.
std::optional<Millis> parse_duration(std::string_view text);

// Exponential backoff with jitter: 1, 2, 4, 8, 8 ... seconds, each shortened by up to 25 %.
Millis backoff_delay(int attempt, std::uint64_t jitter_seed);

// The wait before the next attempt: the server's wish if it gave one, else the backoff; never
// more than `cap`.
Millis retry_delay(int attempt, std::optional<Millis> requested, std::uint64_t jitter_seed, Millis cap);

}  // namespace synthgen
