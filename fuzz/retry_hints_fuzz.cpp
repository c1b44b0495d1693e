// Fuzzes what a server's answer says of retrying: the 429/5xx verdict, the wait it asks for
// (Retry-After, retry-after-ms, RateLimit, x-ratelimit-*, "try again in ..." in the body) and the
// durations in those headers. Every wait is between 0 and a day, and no input throws.
#include <array>
#include <string>

#include "fuzz_support.hpp"
#include "synthgen/core/retry.hpp"

using namespace synthgen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  constexpr auto day = Millis(86'400'000);
  if (auto whole = parse_duration(text)) fuzz::require(whole->count() >= 0 && *whole <= day, "parse_duration out of [0, a day]");
  // The fields of the hints, split at newlines: the last field takes the rest (the body).
  std::array<std::string, 8> fields;
  std::size_t field = 0;
  for (const char c : text) {
    if (c == '\n' && field + 1 < fields.size()) {
      ++field;
    } else {
      fields[field] += c;
    }
  }
  const RetryHints hints{fields[0], fields[1], fields[2], fields[7], fields[3], fields[4], fields[5], fields[6]};
  const auto seconds_until = [](std::string_view date) -> std::optional<double> {
    if (date.empty()) return std::nullopt;
    return static_cast<double>(static_cast<unsigned char>(date[0])) * 1000.0 - 5000.0;  // past and far dates too
  };
  if (auto wait = server_requested_wait(hints, seconds_until)) {
    fuzz::require(wait->count() >= 0 && *wait <= day, "server_requested_wait out of [0, a day]");
  }
  const long status = size > 0 ? 400 + static_cast<long>(data[0] % 200) : 0;
  (void)classify_response(status, fields[7], false);
  (void)classify_response(429, fields[7], false);
  return 0;
}
