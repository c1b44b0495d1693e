// --push-to-hub: the run's training file and its dataset card, committed as a dataset repo on the Hub.
#pragma once

#include <optional>

#include "synthgen/core/labels.hpp"
#include "synthgen/core/report.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/secrets.hpp"
#include "synthgen/io/http_pool.hpp"

namespace synthgen {

// Before anything is paid for: a push needs a token (exit 4 without one).
void require_token_for_push(const RunConfig& config, const std::optional<Token>& token);

// After the outputs are committed: pushes data/train.csv and README.md. A failure throws RunError
// (4 auth, 5 service) saying the files are on disk.
void push_to_hub(const RunConfig& config, const Token& token, const RunSummary& summary, const LabelSet& labels, HttpPool& pool);

}  // namespace synthgen
