// The process environment, with a `.env` file applied as python-dotenv's load_dotenv does
// (a variable already set is never overridden).
#pragma once

#include <string>

#include "synthgen/core/secrets.hpp"

namespace synthgen {

// Sets every variable of the file at `path` that is not set yet; a missing file is no error.
void apply_dotenv_file(const std::string& path);

EnvLookup process_environment();
FileReader disk_reader();

}  // namespace synthgen
