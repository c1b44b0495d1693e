// Self-consistency: the majority of a row's votes, with a seeded tie-break.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "synthgen/core/labels.hpp"

namespace synthgen {

struct VoteResult {
  std::optional<LabelId> label;  // empty when no vote was valid
  bool tie = false;              // the label was drawn among equally frequent ones
  std::size_t valid_votes = 0;
  std::size_t top_count = 0;  // votes for the winning label
};

// Majority label of `votes` (an empty optional is a vote that did not name a label). A tie is broken
// by a random choice among the tied labels, drawn from `tie_seed`.
VoteResult majority_vote(std::span<const std::optional<LabelId>> votes, std::size_t label_count, std::uint64_t tie_seed);

}  // namespace synthgen
