// `synthgen config show`: every setting with where it came from, secrets redacted.
#pragma once

#include <optional>
#include <string>

#include "synthgen/core/secrets.hpp"
#include "synthgen/core/settings.hpp"

namespace synthgen {

// config/synthgen.toml: every option with its help and default, as `synthgen config example` prints it.
std::string format_config_example();

std::string format_settings(const Settings& settings, const std::optional<Token>& token, const std::optional<std::string>& config_file);

}  // namespace synthgen
