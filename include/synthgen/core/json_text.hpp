// JSON text written without a DOM: string literals escaped straight into the caller's buffer, so a
// request body is one reserved string and not a tree that is built, dumped and freed per request.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace synthgen {

// Appends `text` as a quoted JSON string literal, byte for byte what nlohmann's dump() writes with
// ensure_ascii off and error_handler_t::replace: `"` `\` and control characters escaped (\n, \t, ...,
// else \u00xx), other UTF-8 copied, and each ill-formed sequence replaced by U+FFFD as nlohmann does.
void append_json_string(std::string& out, std::string_view text);

// The same without the quotes, for a literal whose ASCII start or end is a constant: ASCII around an
// ill-formed sequence cuts it the same way as the end of the text does, so the bytes stay the same.
void append_json_escaped(std::string& out, std::string_view text);

// A generous capacity for the literal of `text`: a few escapes need no second allocation.
constexpr std::size_t json_string_capacity(std::string_view text) { return text.size() + text.size() / 8 + 8; }

}  // namespace synthgen
