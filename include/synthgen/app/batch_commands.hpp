// `synthgen batch <command>`: the table from a command's name to its run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/endpoint_tokens.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/secrets.hpp"
#include "synthgen/core/written_files.hpp"

namespace synthgen {

// `written`: the files the command put on disk (`export`'s parts).
ExitCode run_batch_command(const std::string& command, const RunConfig& config, const RunTokens& tokens,
                           const std::vector<std::string>& files, WrittenFiles& written);

}  // namespace synthgen
