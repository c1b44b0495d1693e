// A row's exact vote pattern (3/3, 2 of 3, a 1/1/1 tie, 1/1 with a no-vote...) and the run's count
// and accuracy per pattern: what the agreement bins of a share cannot say with 2 or 3 votes.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "synthgen/core/labeling.hpp"

namespace synthgen {

// The valid votes per label, most first (labels not voted for left out), and the asked votes that
// named no label (failed, or an answer the parser refused).
struct VotePattern {
  std::vector<std::size_t> split;
  std::size_t no_votes = 0;
  auto operator<=>(const VotePattern&) const = default;
};

VotePattern vote_pattern(const RowVotes& row);

// "3 of 3 agree", "2 of 3 agree (2/1)", "tie 1/1/1", "1 of 1 agree, 1 no vote", "no valid vote (3 asked)".
std::string pattern_name(const VotePattern& pattern);

// One line of the pattern table.
struct PatternStats {
  VotePattern pattern;
  std::size_t rows = 0;
  std::size_t scored = 0;   // rows with a gold and a label
  std::size_t correct = 0;  // of those, the label is the gold
};

// Counts per pattern, gathered as rows go by: memory grows with the distinct patterns, not the rows.
class PatternTally {
 public:
  void add(const RowVotes& row, const VoteResult& result);
  // Highest agreement first (the winner's share of the asked votes), then more votes first.
  [[nodiscard]] std::vector<PatternStats> by_agreement() const;

 private:
  std::map<VotePattern, PatternStats> stats_;
};

}  // namespace synthgen
