// Majority vote over a row's parsed answers.
#include "synthgen/core/vote.hpp"

#include <algorithm>
#include <vector>

#include "synthgen/core/random.hpp"

namespace synthgen {

VoteResult majority_vote(std::span<const std::optional<LabelId>> votes, std::size_t label_count, std::uint64_t tie_seed) {
  std::vector<std::size_t> counts(label_count, 0);
  VoteResult result;
  for (const auto& vote : votes) {
    if (!vote || *vote < 0 || static_cast<std::size_t>(*vote) >= label_count) continue;
    ++counts[static_cast<std::size_t>(*vote)];
    ++result.valid_votes;
  }
  if (result.valid_votes == 0) return result;
  result.top_count = *std::max_element(counts.begin(), counts.end());
  std::vector<LabelId> leaders;
  for (std::size_t i = 0; i < label_count; ++i) {
    if (counts[i] == result.top_count) leaders.push_back(static_cast<LabelId>(i));
  }
  result.tie = leaders.size() > 1;
  std::uint64_t state = tie_seed;
  result.label = result.tie ? leaders[uniform_below(state, leaders.size())] : leaders.front();
  return result;
}

}  // namespace synthgen
