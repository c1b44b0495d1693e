// Early stopping: requests saved, and the labels of the full run.
#include "synthgen/core/vote_schedule.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

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

// One pass of `batch export`: answers in `store` are taken, every other vote asked for is
// deferred (exported); returns the exported tags.
std::set<std::uint64_t> export_pass(std::size_t rows, std::size_t per_row, bool early_stop,
                                    const std::map<std::uint64_t, std::optional<LabelId>>& store) {
  auto schedule = admitted(rows, per_row, early_stop);
  Votes seen(rows * per_row);
  std::set<std::uint64_t> exported;
  while (auto tag = schedule.next()) {
    if (const auto it = store.find(*tag); it != store.end()) {
      seen[*tag] = it->second;
      schedule.settle(*tag, row_of(seen, *tag, per_row));
    } else {
      exported.insert(*tag);
      schedule.defer(*tag);
    }
  }
  for (std::size_t r = 0; r < rows; ++r) {
    EXPECT_TRUE(schedule.front_done()) << "row " << r << " never ended";
    if (!schedule.front_done()) break;
    schedule.drop_front();
  }
  return exported;
}

TEST(VoteSchedule, ExportRoundsAskExactlyWhatTheLiveRunAsks) {
  // Property: whatever the answers, and whichever lines of a round fail, the rounds of export and
  // import together ask for exactly the votes a live run asks for: none more (never paid twice),
  // none fewer (the final run from the store sends nothing).
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    std::uint64_t state = seed;
    const std::size_t per_row_choices[] = {1, 2, 3, 3, 5, 7};
    const auto per_row = per_row_choices[uniform_below(state, 6)];
    const bool early_stop = uniform_below(state, 4) != 0;
    const auto rows = 1 + uniform_below(state, 60);
    const auto fail_percent = uniform_below(state, 3) * 15;  // 0, 15 or 30 % of a round's lines fail
    Votes answers(rows * per_row);
    for (auto& a : answers) {
      const auto roll = uniform_below(state, 10);
      a = roll < 6 ? std::optional<LabelId>(1) : roll < 9 ? std::optional<LabelId>(static_cast<LabelId>(roll - 6)) : std::nullopt;
    }
    auto live = admitted(rows, per_row, early_stop);
    Votes seen(rows * per_row);
    const auto asked = drive(live, answers, seen, per_row);
    const std::set<std::uint64_t> live_tags(asked.begin(), asked.end());

    std::map<std::uint64_t, std::optional<LabelId>> store;
    std::set<std::uint64_t> ever_exported;
    std::size_t rounds = 0;
    for (;; ++rounds) {
      ASSERT_LT(rounds, 100U) << "seed " << seed << ": the rounds never end";
      const auto exported = export_pass(rows, per_row, early_stop, store);
      if (exported.empty()) break;
      for (const auto tag : exported) {
        ASSERT_TRUE(live_tags.contains(tag)) << "seed " << seed << ": tag " << tag << " is exported but a live run never asks it";
        ever_exported.insert(tag);
        if (uniform_below(state, 100) >= fail_percent) store[tag] = answers[tag];  // imported; else failed, asked again
      }
    }
    EXPECT_EQ(ever_exported, live_tags) << "seed " << seed;
    if (fail_percent == 0) EXPECT_LE(rounds, per_row) << "seed " << seed << ": one round per wave of votes at most";
  }
}

}  // namespace
}  // namespace synthgen
