// Early stopping: requests saved, and the labels of the full run.
#include "synthgen/core/vote_schedule.hpp"

#include <gtest/gtest.h>

#include "synthgen/core/random.hpp"
#include "synthgen/core/vote.hpp"

namespace synthgen {
namespace {

using Votes = std::vector<std::optional<LabelId>>;

TEST(MajoritySettled, LeaderAheadByMoreThanWhatRemains) {
  EXPECT_TRUE(majority_settled(Votes{2, 2}, 3, 1));
  EXPECT_FALSE(majority_settled(Votes{2, 0}, 3, 1));
  EXPECT_FALSE(majority_settled(Votes{2, std::nullopt}, 3, 1)) << "a no-vote does not count";
  EXPECT_TRUE(majority_settled(Votes{1, 1, 1}, 3, 2));
  EXPECT_FALSE(majority_settled(Votes{1, 1, 0}, 3, 2)) << "2 more could make it a 2:3 loss";
  EXPECT_TRUE(majority_settled(Votes{1}, 3, 0));
}

std::span<const std::optional<LabelId>> row_of(const Votes& votes, std::uint64_t tag, std::size_t per_row) {
  return std::span(votes).subspan(tag / per_row * per_row, per_row);
}

// Drives a schedule to the end, answering each vote from `answers` (indexed by tag), settling in
// issue order; returns the tags that were asked for.
std::vector<std::uint64_t> drive(VoteSchedule& schedule, const Votes& answers, Votes& seen, std::size_t per_row = 3) {
  std::vector<std::uint64_t> asked;
  while (auto tag = schedule.next()) {
    asked.push_back(*tag);
    seen[*tag] = answers[*tag];
    schedule.settle(*tag, row_of(seen, *tag, per_row));
  }
  return asked;
}

// Admits `rows` rows at once.
VoteSchedule admitted(std::size_t rows, std::size_t per_row, bool early_stop) {
  VoteSchedule schedule(per_row, 3, early_stop);
  for (std::size_t r = 0; r < rows; ++r) schedule.admit_row();
  return schedule;
}

TEST(VoteSchedule, AgreeingFirstTwoSkipTheThird) {
  auto schedule = admitted(2, 3, true);
  const Votes answers{2, 2, 0, 1, 0, 0};  // row 0 agrees at once; row 1 needs its third
  Votes seen(6);
  const auto asked = drive(schedule, answers, seen);
  EXPECT_EQ(asked, (std::vector<std::uint64_t>{0, 1, 3, 4, 5}));
  EXPECT_EQ(schedule.skipped(), 1u);
}

TEST(VoteSchedule, WithoutEarlyStopEveryVoteIsAsked) {
  auto schedule = admitted(2, 3, false);
  Votes seen(6);
  EXPECT_EQ(drive(schedule, Votes{2, 2, 2, 1, 1, 1}, seen).size(), 6u);
  EXPECT_EQ(schedule.skipped(), 0u);
}

TEST(VoteSchedule, NoVotesAndFailuresAskForMore) {
  auto schedule = admitted(1, 3, true);
  Votes seen(3);
  EXPECT_EQ(drive(schedule, Votes{std::nullopt, 1, 1}, seen).size(), 3u);
}

TEST(VoteSchedule, FollowUpWaitsUntilTheFirstWaveIsSettled) {
  auto schedule = admitted(2, 3, true);
  Votes seen(6);
  EXPECT_EQ(schedule.next(), 0u);
  EXPECT_EQ(schedule.next(), 1u);
  EXPECT_EQ(schedule.next(), 3u) << "the next row's first wave while row 0 is in flight";
  seen[0] = 0;
  schedule.settle(0, row_of(seen, 0, 3));
  EXPECT_EQ(schedule.next(), 4u) << "row 0 has one vote settled: nothing to decide yet";
  seen[1] = 2;
  schedule.settle(1, row_of(seen, 1, 3));
  EXPECT_EQ(schedule.next(), 2u) << "row 0 split 0/2: its third vote comes first";
}

TEST(VoteSchedule, SameLabelsAsTheFullRunOverManyRandomRows) {
  // Random answers with 70 % agreement, 5 votes per row: early stopping must never change a label.
  const std::size_t rows = 500;
  const std::size_t per_row = 5;
  Votes answers(rows * per_row);
  std::uint64_t state = 7;
  for (auto& a : answers) {
    const auto roll = uniform_below(state, 10);
    a = roll < 7 ? std::optional<LabelId>(1) : roll < 9 ? std::optional<LabelId>(static_cast<LabelId>(roll - 7) * 2) : std::nullopt;
  }
  auto schedule = admitted(rows, per_row, true);
  Votes seen(rows * per_row);
  const auto asked = drive(schedule, answers, seen, per_row);
  EXPECT_LT(asked.size(), rows * per_row);
  EXPECT_EQ(asked.size() + schedule.skipped(), rows * per_row);
  for (std::size_t r = 0; r < rows; ++r) {
    const auto full = majority_vote(std::span(answers).subspan(r * per_row, per_row), 3, r);
    const auto early = majority_vote(std::span(seen).subspan(r * per_row, per_row), 3, r);
    EXPECT_EQ(full.label, early.label) << "row " << r;
  }
}

TEST(VoteSchedule, RowsLeaveTheWindowInOrderOnceDone) {
  VoteSchedule schedule(3, 3, true);
  EXPECT_FALSE(schedule.next()) << "nothing to ask before a row is admitted";
  EXPECT_FALSE(schedule.front_done());
  schedule.admit_row();
  schedule.admit_row();
  EXPECT_EQ(schedule.unstarted_rows(), 2u);
  Votes seen(6);
  EXPECT_EQ(schedule.next(), 0u);
  EXPECT_EQ(schedule.next(), 1u);
  EXPECT_EQ(schedule.next(), 3u);
  EXPECT_EQ(schedule.next(), 4u);
  EXPECT_EQ(schedule.unstarted_rows(), 0u);
  seen[3] = 1;
  seen[4] = 1;
  schedule.settle(3, row_of(seen, 3, 3));
  schedule.settle(4, row_of(seen, 4, 3));
  EXPECT_FALSE(schedule.front_done()) << "row 1 is done, but row 0 is in front and still open";
  seen[0] = 2;
  seen[1] = 2;
  schedule.settle(0, row_of(seen, 0, 3));
  schedule.settle(1, row_of(seen, 1, 3));
  ASSERT_TRUE(schedule.front_done());
  schedule.drop_front();
  EXPECT_EQ(schedule.first_position(), 1u);
  ASSERT_TRUE(schedule.front_done());
  schedule.drop_front();
  EXPECT_FALSE(schedule.front_done());
  EXPECT_EQ(schedule.first_position(), schedule.end_position());
  EXPECT_EQ(schedule.skipped(), 2u);
  schedule.admit_row();
  EXPECT_EQ(schedule.next(), 6u) << "tags go on from the row's position in the run";
}

TEST(VoteSchedule, AFailedOnlyVoteStillEndsTheRow) {
  VoteSchedule schedule(1, 3, true);
  schedule.admit_row();
  Votes seen(1);
  EXPECT_EQ(schedule.next(), 0u);
  schedule.settle(0, row_of(seen, 0, 1));
  EXPECT_TRUE(schedule.front_done()) << "one vote per row: its outcome, even none, ends the row";
}

}  // namespace
}  // namespace synthgen
