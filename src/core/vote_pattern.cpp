// Vote patterns: a row's votes reduced to their split, named, and counted with their accuracy.
#include "synthgen/core/vote_pattern.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace synthgen {
namespace {

std::size_t sum(const std::vector<std::size_t>& counts) {
  std::size_t total = 0;
  for (const auto c : counts) total += c;
  return total;
}

std::string joined(const std::vector<std::size_t>& split) { return fmt::format("{}", fmt::join(split, "/")); }

// The winner's share of every vote asked (no-votes count against it).
double strength(const VotePattern& p) {
  const auto asked = sum(p.split) + p.no_votes;
  return asked == 0 || p.split.empty() ? 0.0 : static_cast<double>(p.split.front()) / static_cast<double>(asked);
}

}  // namespace

VotePattern vote_pattern(const RowVotes& row) {
  std::map<LabelId, std::size_t> per_label;
  VotePattern pattern;
  for (std::size_t v = 0; v < row.votes.size(); ++v) {
    if (row.status[v] == VoteStatus::not_asked || row.status[v] == VoteStatus::deferred) continue;
    if (const auto& vote = row.votes[v]; vote.has_value()) {
      ++per_label[vote.value()];
    } else {
      ++pattern.no_votes;
    }
  }
  for (const auto& [label, count] : per_label) pattern.split.push_back(count);
  std::sort(pattern.split.begin(), pattern.split.end(), std::greater<>());
  return pattern;
}

std::string pattern_name(const VotePattern& p) {
  const auto valid = sum(p.split);
  std::string name;
  if (valid == 0) return fmt::format("no valid vote ({} asked)", p.no_votes);
  if (p.split.size() == 1) {
    name = fmt::format("{} of {} agree", valid, valid);
  } else if (p.split[0] == p.split[1]) {
    name = "tie " + joined(p.split);
  } else {
    name = fmt::format("{} of {} agree ({})", p.split[0], valid, joined(p.split));
  }
  if (p.no_votes > 0) name += fmt::format(", {} no vote{}", p.no_votes, p.no_votes == 1 ? "" : "s");
  return name;
}

void PatternTally::add(const RowVotes& row, const VoteResult& result) {
  auto pattern = vote_pattern(row);
  auto& stats = stats_[pattern];
  stats.pattern = std::move(pattern);
  ++stats.rows;
  if (row.row.gold && result.label) {
    ++stats.scored;
    if (*row.row.gold == *result.label) ++stats.correct;
  }
}

std::vector<PatternStats> PatternTally::by_agreement() const {
  std::vector<PatternStats> out;
  out.reserve(stats_.size());
  for (const auto& [pattern, stats] : stats_) out.push_back(stats);
  std::stable_sort(out.begin(), out.end(), [](const PatternStats& a, const PatternStats& b) {
    const auto sa = strength(a.pattern), sb = strength(b.pattern);
    if (sa != sb) return sa > sb;
    return sum(a.pattern.split) + a.pattern.no_votes > sum(b.pattern.split) + b.pattern.no_votes;
  });
  return out;
}

}  // namespace synthgen
