// The inference wire formats synthgen speaks, as one table: the --api name, what it sends, and the
// tag that keeps their answers apart in the response store. A new format is one new row here and
// one case in make_inference_api (io), which the compiler holds to every kind.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "synthgen/core/run_config.hpp"

namespace synthgen {

struct WireFormat {
  ApiKind kind;
  std::string_view name;       // the --api value
  std::string_view sends;      // for --help: what a request is
  std::string_view store_tag;  // the first field of a response store key (never change it: stored answers would be lost)
};

std::span<const WireFormat> wire_formats();
const WireFormat& wire_format(ApiKind kind);
std::optional<ApiKind> wire_format_named(std::string_view name);

}  // namespace synthgen
