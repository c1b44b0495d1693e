// One labeling run, end to end, as named steps.
#pragma once

#include <optional>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/secrets.hpp"

namespace synthgen {

// Throws RunError for anything that stops the run; returns the exit code of a run that finished.
ExitCode run_labeling(const RunConfig& config, const std::optional<Token>& token);

// Whether the endpoint is a Hugging Face service that refuses requests without a token.
bool endpoint_needs_token(const std::string& url);

}  // namespace synthgen
