// Reads a `.env` file as python-dotenv does: KEY=VALUE lines, optional `export `, quotes, comments.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace synthgen {

std::vector<std::pair<std::string, std::string>> parse_dotenv(std::string_view text);

}  // namespace synthgen
