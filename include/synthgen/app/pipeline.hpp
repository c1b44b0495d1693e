// One labeling run, end to end, as named steps.
#pragma once

#include <optional>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/endpoint_tokens.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/written_files.hpp"

namespace synthgen {

// Throws RunError for anything that stops the run; returns the exit code of a run that finished.
// Each endpoint's votes carry its own token of `tokens`; the dataset viewer and --push-to-hub take
// the Hugging Face token.
ExitCode run_labeling(const RunConfig& config, const RunTokens& tokens, WrittenFiles& written);

// Whether the endpoint is a Hugging Face service that refuses requests without a token.
bool endpoint_needs_token(const std::string& url);

}  // namespace synthgen
