// Reads a `.env` file as python-dotenv does: KEY=VALUE lines, optional `export `, quotes, comments.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace synthgen {

using DotenvEntries = std::vector<std::pair<std::string, std::string>>;

// The assignments in file order; a leading UTF-8 byte order mark is skipped, and bytes that are
// not UTF-8 are an error ("line 2: byte 0xE9 at column 7 is not UTF-8; ...").
std::expected<DotenvEntries, std::string> parse_dotenv(std::string_view text);

}  // namespace synthgen
