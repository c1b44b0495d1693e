// One labeling run, end to end, as named steps.
#pragma once

#include <optional>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/secrets.hpp"
#include "synthgen/core/written_files.hpp"

namespace synthgen {

// Throws RunError for anything that stops the run; returns the exit code of a run that finished.
// `hub_token` is the Hugging Face token for --push-to-hub, when `token` is another service's key
// (OPENAI_API_KEY); nullopt: `token`.
ExitCode run_labeling(const RunConfig& config, const std::optional<Token>& token, WrittenFiles& written,
                      const std::optional<Token>& hub_token = std::nullopt);

// Whether the endpoint is a Hugging Face service that refuses requests without a token.
bool endpoint_needs_token(const std::string& url);

}  // namespace synthgen
