// Retry classification and waits. A 429 is retried unless its body says the quota or credits are
// spent: retrying that forever is the failure peers' users complain of most.
#include "synthgen/core/retry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "synthgen/core/random.hpp"
#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

bool says_quota_is_spent(std::string_view body) {
  const auto lowered = to_lower_ascii(body);
  for (const char* phrase : {"insufficient_quota", "exceeded your current quota", "exceeded your monthly", "out of credits",
                             "credit balance", "quota exceeded", "billing"}) {
    if (lowered.find(phrase) != std::string::npos) return true;
  }
  return false;
}

std::optional<double> number(std::string_view text) {
  text = trim(text);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value) || value < 0) return std::nullopt;
  return value;
}

// `"api";r=0;t=12` -> 12.
std::optional<double> ratelimit_reset(std::string_view header) {
  for (const auto& part : split_list(header, ';')) {
    if (part.size() > 2 && part[0] == 't' && part[1] == '=') return number(std::string_view(part).substr(2));
  }
  return std::nullopt;
}

std::optional<double> estimated_time(std::string_view body) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  const auto it = doc.find("estimated_time");
  if (it == doc.end() || !it->is_number() || it->get<double>() < 0) return std::nullopt;
  return it->get<double>();
}

Millis seconds(double s) { return Millis(static_cast<std::int64_t>(std::min(s, 86400.0) * 1000.0)); }

}  // namespace

Verdict classify_response(long status, std::string_view body, bool body_readable) {
  if (status == 0) return Verdict::retry;
  if (status >= 200 && status < 300) return body_readable ? Verdict::answer : Verdict::retry;
  if (status == 401 || status == 403) return Verdict::stop_auth;
  if (status == 402) return Verdict::stop_credits;
  if (status == 429) return says_quota_is_spent(body) ? Verdict::stop_credits : Verdict::retry;
  if (status == 404) return Verdict::stop_config;
  if (status == 400 && body.find("model_not_supported") != std::string_view::npos) return Verdict::stop_config;
  if (status == 408 || status >= 500) return Verdict::retry;
  return Verdict::fail;
}

std::optional<Millis> server_requested_wait(const RetryHints& hints, const SecondsUntil& seconds_until) {
  if (auto ms = number(hints.retry_after_ms)) return Millis(static_cast<std::int64_t>(std::min(*ms, 86400e3)));
  if (!trim(hints.retry_after).empty()) {
    if (auto s = number(hints.retry_after)) return seconds(*s);
    if (auto s = seconds_until(trim(hints.retry_after))) return seconds(std::max(*s, 0.0));
  }
  if (auto s = ratelimit_reset(hints.ratelimit)) return seconds(*s);
  if (auto s = estimated_time(hints.body)) return seconds(*s);
  return std::nullopt;
}

Millis backoff_delay(int attempt, std::uint64_t jitter_seed) {
  const double base_s = std::min(std::ldexp(1.0, std::clamp(attempt, 0, 10)), 8.0);
  std::uint64_t state = jitter_seed;
  const double jitter = static_cast<double>(uniform_below(state, 1000)) / 1000.0;  // [0, 1)
  return seconds(base_s * (1.0 - 0.25 * jitter));
}

Millis retry_delay(int attempt, std::optional<Millis> requested, std::uint64_t jitter_seed, Millis cap) {
  return std::min(requested.value_or(backoff_delay(attempt, jitter_seed)), cap);
}

}  // namespace synthgen
