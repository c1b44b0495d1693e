// Retry classification and waits. A 429 is retried unless its body says the quota or credits are
// spent (retrying that forever is the failure peers' users complain of most), and a rate limit is
// never taken for spent credits (that stops a run that only had to wait).
#include "synthgen/core/retry.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <vector>

#include "synthgen/core/random.hpp"
#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

// The machine-readable side of an error body: OpenAI's {"error":{"code","type","message"}}, Mistral's
// top-level {"type","code","message"}, TGI's {"error","error_type"}; string values only, lower case.
struct ErrorFields {
  std::vector<std::string> names;  // code and type values
  std::string words;               // the message, or the whole body when it is not JSON
};

ErrorFields error_fields(std::string_view body) {
  ErrorFields fields;
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) {
    fields.words = to_lower_ascii(body);
    return fields;
  }
  const auto take = [&fields](const nlohmann::json& object) {
    for (const char* key : {"code", "type", "error_type"}) {
      if (const auto it = object.find(key); it != object.end() && it->is_string())
        fields.names.push_back(to_lower_ascii(it->get<std::string>()));
    }
    for (const char* key : {"message", "error"}) {
      if (const auto it = object.find(key); it != object.end() && it->is_string())
        fields.words += to_lower_ascii(it->get<std::string>()) + "\n";
    }
  };
  take(doc);
  if (const auto it = doc.find("error"); it != doc.end() && it->is_object()) take(*it);
  return fields;
}

bool named(const ErrorFields& fields, std::initializer_list<std::string_view> names) {
  return std::ranges::any_of(fields.names, [&](const std::string& n) { return std::ranges::find(names, n) != names.end(); });
}

bool says(const ErrorFields& fields, std::initializer_list<std::string_view> phrases) {
  return std::ranges::any_of(phrases, [&](std::string_view p) { return fields.words.find(p) != std::string::npos; });
}

// A 429 for spent quota or credits, not a rate limit. The fields decide when they name either;
// the phrases only when they name neither. "billing" alone is no sign: OpenAI's and Groq's rate
// limits link to the billing page ("Need more tokens? ... /settings/billing").
bool says_quota_is_spent(const ErrorFields& fields) {
  if (named(fields, {"insufficient_quota", "billing_hard_limit_reached", "billing_not_active"})) return true;
  if (named(fields, {"rate_limit_exceeded", "requests", "tokens", "overloaded"})) return false;
  return says(fields, {"insufficient_quota", "exceeded your current quota", "exceeded your monthly", "out of credits",
                       "credit balance is too low", "insufficient credits"});
}

// A 400 or 404 for a model the endpoint does not serve: the HF router's model_not_found and
// model_not_supported, Mistral's invalid_model, OpenRouter's "is not a valid model ID".
bool says_model_is_unknown(const ErrorFields& fields) {
  return named(fields, {"model_not_found", "model_not_supported", "invalid_model"}) ||
         says(fields, {"invalid model", "not a valid model id", "model_not_found"});
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

// A unit's length in milliseconds, for parse_duration.
std::optional<double> unit_ms(std::string_view unit) {
  if (unit == "ms") return 1.0;
  if (unit == "s") return 1e3;
  if (unit == "m") return 60e3;
  if (unit == "h") return 3600e3;
  if (unit == "us" || unit == "\u00b5s") return 1e-3;
  return std::nullopt;
}

// "... Please try again in 11.455s. Need more tokens? ..." -> 11455 ms.
std::optional<Millis> try_again_in(std::string_view body) {
  const auto words = error_fields(body).words;
  constexpr std::string_view phrase = "try again in ";
  const auto at = words.find(phrase);
  if (at == std::string::npos) return std::nullopt;
  auto rest = std::string_view(words).substr(at + phrase.size());
  rest = rest.substr(0, rest.find_first_of(" \n\t,;'\""));
  while (!rest.empty() && rest.back() == '.') rest.remove_suffix(1);
  if (rest.empty() || !std::isdigit(static_cast<unsigned char>(rest.front()))) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(rest.back()))) return std::nullopt;  // no unit: not a duration
  return parse_duration(rest);
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
  if (status == 429) return says_quota_is_spent(error_fields(body)) ? Verdict::stop_credits : Verdict::retry;
  if ((status == 400 || status == 404) && says_model_is_unknown(error_fields(body))) return Verdict::stop_model;
  if (status == 404) return Verdict::stop_config;
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
  if (auto wait = exhausted_budget_reset(hints)) return wait;
  if (auto wait = try_again_in(hints.body)) return wait;
  if (auto s = estimated_time(hints.body)) return seconds(*s);
  return std::nullopt;
}

std::optional<Millis> exhausted_budget_reset(const RetryHints& hints) {
  std::optional<Millis> wait;
  const auto consider = [&wait](std::string_view remaining, std::string_view reset) {
    if (trim(remaining) != "0") return;
    if (auto d = parse_duration(reset); d && (!wait || *d > *wait)) wait = d;
  };
  consider(hints.ratelimit_remaining_requests, hints.ratelimit_reset_requests);
  consider(hints.ratelimit_remaining_tokens, hints.ratelimit_reset_tokens);
  return wait;
}

bool status_says_when_to_retry(long status) { return status == 429 || status == 503; }

std::optional<Millis> parse_duration(std::string_view text) {
  text = trim(text);
  if (auto s = number(text)) return seconds(*s);
  if (text.empty()) return std::nullopt;
  double total_ms = 0;
  while (!text.empty()) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || !std::isfinite(value) || value < 0) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    const auto unit_end = std::min(text.find_first_of("0123456789."), text.size());
    const auto factor = unit_ms(text.substr(0, unit_end));
    if (!factor) return std::nullopt;
    total_ms += value * *factor;
    text.remove_prefix(unit_end);
  }
  return Millis(static_cast<std::int64_t>(std::min(total_ms, 86400e3)));
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
