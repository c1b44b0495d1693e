// The table of wire formats.
#include "synthgen/core/wire_format.hpp"

#include <algorithm>
#include <stdexcept>

namespace synthgen {
namespace {

constexpr WireFormat formats[] = {
    {ApiKind::openai, "openai", "POST {endpoint}/chat/completions", "openai"},
    {ApiKind::tgi, "tgi", "POST {endpoint}, raw text generation", "tgi"},
};

}  // namespace

std::span<const WireFormat> wire_formats() { return formats; }

const WireFormat& wire_format(ApiKind kind) {
  const auto* it = std::ranges::find(formats, kind, &WireFormat::kind);
  if (it == std::end(formats)) throw std::logic_error("an ApiKind without a row in the wire format table");
  return *it;
}

std::optional<ApiKind> wire_format_named(std::string_view name) {
  const auto* it = std::ranges::find(formats, name, &WireFormat::name);
  if (it == std::end(formats)) return std::nullopt;
  return it->kind;
}

}  // namespace synthgen
