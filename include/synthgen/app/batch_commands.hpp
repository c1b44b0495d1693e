// `synthgen batch <command>`: the table from a command's name to its run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/secrets.hpp"

namespace synthgen {

ExitCode run_batch_command(const std::string& command, const RunConfig& config, const std::optional<Token>& token,
                           const std::vector<std::string>& files);

}  // namespace synthgen
