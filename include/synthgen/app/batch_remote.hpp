// The OpenAI Batch API, driven by synthgen: `batch submit` (the export, each part uploaded and
// started as a batch, kept in the store's ledger), `batch status` and `batch collect` (each ended
// batch's output and error files downloaded and imported). What a batch did not answer (expired,
// cancelled, failed lines) goes into the next submit; what it holds is never submitted twice.
#pragma once

#include <optional>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/endpoint_tokens.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/secrets.hpp"

namespace synthgen {

ExitCode run_batch_submit(const RunConfig& config, const RunTokens& tokens);
ExitCode run_batch_status(const RunConfig& config, const std::optional<Token>& token);
ExitCode run_batch_collect(const RunConfig& config, const std::optional<Token>& token);

}  // namespace synthgen
