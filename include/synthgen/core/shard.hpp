// --shard: which part of the run's sample this task labels, when a scheduler runs many tasks
// (Slurm arrays, Kubernetes Indexed Jobs, AWS Batch arrays, a CI matrix). Shard K of N is a
// contiguous range of the sampled rows in row order, so the parts joined in order are the whole.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

#include "synthgen/core/secrets.hpp"

namespace synthgen {

struct ShardSpec {
  std::size_t index = 0;  // K, from 0
  std::size_t count = 1;  // N
  [[nodiscard]] bool sharded() const { return count > 1; }
};

// "" (the whole run), "K/N", or "auto": K and N from the scheduler's variables (Slurm array,
// Kubernetes JOB_COMPLETION_INDEX with SYNTHGEN_SHARD_COUNT, AWS Batch array, SYNTHGEN_SHARD).
// The error names what was read, or the variables looked for.
std::expected<ShardSpec, std::string> resolve_shard(std::string_view text, const EnvLookup& env);

// Shard K's positions in a sample of `sample_size` rows: [K*size/N, (K+1)*size/N).
struct ShardRange {
  std::size_t first = 0;
  std::size_t last = 0;
};
ShardRange shard_range(std::size_t sample_size, const ShardSpec& shard);

}  // namespace synthgen
