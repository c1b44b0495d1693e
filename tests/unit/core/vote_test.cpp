// Majority vote: clear majorities, no votes, and seeded tie-breaks.
#include "synthgen/core/vote.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace synthgen {
namespace {

using Votes = std::vector<std::optional<LabelId>>;

TEST(MajorityVote, TwoOfThreeWin) {
  const Votes votes{2, 0, 2};
  const auto result = majority_vote(votes, 3, 42);
  EXPECT_EQ(result.label, 2);
  EXPECT_FALSE(result.tie);
  EXPECT_EQ(result.valid_votes, 3u);
  EXPECT_EQ(result.top_count, 2u);
}

TEST(MajorityVote, NoVotesAreIgnored) {
  const Votes votes{std::nullopt, 1, std::nullopt};
  const auto result = majority_vote(votes, 3, 42);
  EXPECT_EQ(result.label, 1);
  EXPECT_FALSE(result.tie);
  EXPECT_EQ(result.valid_votes, 1u);
}

TEST(MajorityVote, NoValidVoteGivesNoLabel) {
  const Votes votes{std::nullopt, std::nullopt, std::nullopt};
  const auto result = majority_vote(votes, 3, 42);
  EXPECT_EQ(result.label, std::nullopt);
  EXPECT_EQ(result.valid_votes, 0u);
  EXPECT_FALSE(result.tie);
}

TEST(MajorityVote, OutOfRangeVotesAreIgnored) {
  const Votes votes{7, -1, 0};
  EXPECT_EQ(majority_vote(votes, 3, 1).label, 0);
}

TEST(MajorityVote, TieIsBrokenAmongTheTiedLabelsOnly) {
  const Votes votes{0, 2, std::nullopt};
  std::set<LabelId> seen;
  for (std::uint64_t seed = 0; seed < 64; ++seed) {
    const auto result = majority_vote(votes, 3, seed);
    EXPECT_TRUE(result.tie);
    ASSERT_TRUE(result.label.has_value());
    EXPECT_NE(*result.label, 1);
    seen.insert(*result.label);
  }
  EXPECT_EQ(seen, (std::set<LabelId>{0, 2})) << "both tied labels should win for some seed";
}

TEST(MajorityVote, TieBreakIsReproducibleForOneSeed) {
  const Votes votes{0, 1, 2};
  EXPECT_EQ(majority_vote(votes, 3, 1234).label, majority_vote(votes, 3, 1234).label);
}

}  // namespace
}  // namespace synthgen
