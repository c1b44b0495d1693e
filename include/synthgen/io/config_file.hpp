// The TOML config file: which one applies, and its values as option settings.
#pragma once

#include <expected>
#include <optional>
#include <string>

#include "synthgen/core/secrets.hpp"
#include "synthgen/core/settings.hpp"

namespace synthgen {

// --config-file if given, else ./synthgen.toml if it exists, else $XDG_CONFIG_HOME/synthgen/config.toml
// (~/.config/...) if it exists; nothing when there is none.
std::optional<std::string> find_config_file(const std::optional<std::string>& flag, const EnvLookup& env);

// Every key of the file as an option value; an unknown key, a table or an array is an error that
// names the file, the key and what to do.
std::expected<FileValues, std::string> read_config_file(const std::string& path);

}  // namespace synthgen
