// `synthgen merge --output df_train.csv [--metrics-json M] [--details D] [--report R] PART...`:
// the outputs of an unsharded run, from the parts of its N shards. The parts must be all N shards
// of one run (a missing, repeated or foreign part is an input error naming it); their rows are
// replayed in order through the run's own outputs, so df_train.csv is the unsharded run's byte for
// byte, and so are the metrics (all but timings: the longest shard's), details and report.
#pragma once

#include <string>
#include <vector>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/written_files.hpp"

namespace synthgen {

// `parts`: each shard's --output (its OUTPUT.shard.jsonl is read) or the .shard.jsonl itself.
ExitCode run_merge(const RunConfig& config, const std::vector<std::string>& parts, WrittenFiles& written);

}  // namespace synthgen
