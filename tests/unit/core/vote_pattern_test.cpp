// Vote patterns: the split of a row's votes, its name, and the tally's order.
#include "synthgen/core/vote_pattern.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

VotePattern pattern_of(const std::vector<std::optional<LabelId>>& votes, std::vector<VoteStatus> status = {}) {
  if (status.empty()) status.assign(votes.size(), VoteStatus::answered);
  const Row row{0, "t", std::nullopt};
  return vote_pattern(RowVotes{row, votes, status, {}});
}

TEST(VotePattern, SplitsTheVotesMostFirst) {
  EXPECT_EQ(pattern_of({2, 2, 2}).split, (std::vector<std::size_t>{3}));
  EXPECT_EQ(pattern_of({1, 2, 2}).split, (std::vector<std::size_t>{2, 1}));
  EXPECT_EQ(pattern_of({0, 1, std::nullopt}).no_votes, 1u);
  const auto early = pattern_of({1, 1, std::nullopt}, {VoteStatus::answered, VoteStatus::answered, VoteStatus::not_asked});
  EXPECT_EQ(early.split, (std::vector<std::size_t>{2}));
  EXPECT_EQ(early.no_votes, 0u) << "a vote not asked (early stop) is no no-vote";
}

TEST(VotePattern, Names) {
  EXPECT_EQ(pattern_name(pattern_of({2, 2, 2})), "3 of 3 agree");
  EXPECT_EQ(pattern_name(pattern_of({2, 2})), "2 of 2 agree");
  EXPECT_EQ(pattern_name(pattern_of({1, 2, 2})), "2 of 3 agree (2/1)");
  EXPECT_EQ(pattern_name(pattern_of({0, 1, 2})), "tie 1/1/1");
  EXPECT_EQ(pattern_name(pattern_of({0, 1, std::nullopt})), "tie 1/1, 1 no vote");
  EXPECT_EQ(pattern_name(pattern_of({0, std::nullopt, std::nullopt})), "1 of 1 agree, 2 no votes");
  EXPECT_EQ(pattern_name(pattern_of({std::nullopt, std::nullopt})), "no valid vote (2 asked)");
}

TEST(VotePattern, TallyCountsAccuracyAndOrdersBySurestFirst) {
  PatternTally tally;
  const std::vector<VoteStatus> status(3, VoteStatus::answered);
  const std::vector<std::pair<std::vector<std::optional<LabelId>>, std::optional<LabelId>>> rows{
      {{0, 1, 2}, 0}, {{1, 1, 1}, 1}, {{1, 1, 1}, 2}, {{1, 1, 0}, 1}, {{1, 1, 1}, std::nullopt}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row row{i, "t", rows[i].second};
    const RowVotes r{row, rows[i].first, status, {}};
    tally.add(r, decide_row(r, 3, 7));
  }
  const auto table = tally.by_agreement();
  ASSERT_EQ(table.size(), 3u);
  EXPECT_EQ(pattern_name(table[0].pattern), "3 of 3 agree");
  EXPECT_EQ(table[0].rows, 3u);
  EXPECT_EQ(table[0].scored, 2u);
  EXPECT_EQ(table[0].correct, 1u);
  EXPECT_EQ(pattern_name(table[1].pattern), "2 of 3 agree (2/1)");
  EXPECT_EQ(pattern_name(table[2].pattern), "tie 1/1/1");
}

}  // namespace
}  // namespace synthgen
