// HTTP dates (RFC 9110, as in a Retry-After header) read by libcurl's curl_getdate.
#pragma once

#include <optional>
#include <string_view>

namespace synthgen {

// Seconds from now until `date` (negative when it is past), or nothing when it is no date.
std::optional<double> seconds_until_http_date(std::string_view date);

}  // namespace synthgen
