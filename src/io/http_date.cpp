// HTTP dates through curl_getdate, which knows the three formats HTTP allows.
#include "synthgen/io/http_date.hpp"

#include <curl/curl.h>

#include <ctime>
#include <string>

namespace synthgen {

std::optional<double> seconds_until_http_date(std::string_view date) {
  const auto when = curl_getdate(std::string(date).c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::difftime(when, std::time(nullptr));
}

}  // namespace synthgen
