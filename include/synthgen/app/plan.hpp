// `synthgen plan`: what a run would ask for and cost, without sending any inference request.
#pragma once

#include <optional>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/secrets.hpp"

namespace synthgen {

ExitCode run_plan(const RunConfig& config, const std::optional<Token>& token);

}  // namespace synthgen
