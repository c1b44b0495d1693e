// SHA-256 of a text, as 64 hex digits (OpenSSL): fingerprints of a run's settings and data.
#pragma once

#include <string>
#include <string_view>

namespace synthgen {

std::string sha256_hex(std::string_view text);

}  // namespace synthgen
