// Small text helpers shared by the parsers: trimming, case, line splitting, encodings.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace synthgen {

std::string_view trim(std::string_view text);
std::string to_lower_ascii(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
bool starts_with_icase(std::string_view text, std::string_view prefix);

// Lines without their end (LF or CRLF); a final line without an end is kept, a final empty one is not.
std::vector<std::string_view> split_lines(std::string_view text);

// The offset of the first byte that does not belong to well-formed UTF-8 (an overlong form, a
// surrogate or a code point past U+10FFFF included), if any.
std::optional<std::size_t> invalid_utf8_at(std::string_view text);

// `text` without a leading UTF-8 byte order mark, checked to be UTF-8; the error names the line
// ("line 3: bytes that are not UTF-8 ...").
std::expected<std::string_view, std::string> utf8_text(std::string_view text);

// ISO-8859-1 bytes to UTF-8 (every byte is a code point, so this cannot fail).
std::string latin1_to_utf8(std::string_view latin1);

// The text on one line: CR, LF and tabs become single spaces.
std::string single_line(std::string_view text);

// At most `max_chars` bytes of `text` on one line, with "..." when cut: for error messages.
std::string excerpt(std::string_view text, std::size_t max_chars = 200);

// Splits "a,b,,c" into {"a","b","c"} after trimming each part.
std::vector<std::string> split_list(std::string_view text, char separator);

}  // namespace synthgen
