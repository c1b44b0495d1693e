// The process environment, with a `.env` file applied as python-dotenv's load_dotenv does
// (a variable already set is never overridden).
#pragma once

#include <expected>
#include <set>
#include <string>

#include "synthgen/core/secrets.hpp"

namespace synthgen {

// Sets every variable of the file at `path` that is not set yet and returns their names; a
// missing file is no error, one that is not UTF-8 is (the error names the file and the line).
std::expected<std::set<std::string, std::less<>>, std::string> apply_dotenv_file(const std::string& path);

EnvLookup process_environment();
FileReader disk_reader();

}  // namespace synthgen
