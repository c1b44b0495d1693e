// The window of rows: admission as votes need rows, the bound, and rows leaving in row order.
#include "synthgen/app/vote_window.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace synthgen {
namespace {

struct Emitted {
  std::size_t index;
  std::vector<std::optional<LabelId>> votes;
  std::vector<VoteStatus> status;
  std::vector<std::string> answers;
};

class VoteWindowTest : public ::testing::Test {
 protected:
  VoteWindow make(WindowShape shape) {
    return VoteWindow(shape, [this](const RowVotes& row) {
      emitted_.push_back({row.row.index,
                          {row.votes.begin(), row.votes.end()},
                          {row.status.begin(), row.status.end()},
                          {row.answers.begin(), row.answers.end()}});
    });
  }
  VoteWindow::NextRow rows_up_to(std::size_t count) {
    return [this, count]() -> std::optional<Row> {
      if (next_ == count) return std::nullopt;
      ++admitted_;
      return Row{next_++ * 10, "row " + std::to_string(next_ - 1), std::nullopt};
    };
  }
  std::vector<Emitted> emitted_;
  std::size_t next_ = 0;
  std::size_t admitted_ = 0;
};

TEST_F(VoteWindowTest, RowsLeaveInRowOrderWhateverOrderTheirVotesSettle) {
  auto window = make({.votes_per_row = 2, .label_count = 3, .early_stop = false, .keep_answers = true});
  std::vector<std::uint64_t> tags;
  while (auto tag = window.next_vote(rows_up_to(3))) tags.push_back(*tag);
  ASSERT_EQ(tags.size(), 6u);
  // Settle the last row first, then the middle, then the first.
  window.answered(5, 1, "b");
  window.failed(4);
  window.answered(3, 2, "c");
  window.answered(2, 2, "c");
  EXPECT_TRUE(emitted_.empty()) << "row 0 is not done, so nothing may leave";
  window.answered(1, std::nullopt, "hedge");
  window.answered(0, 0, "a");
  ASSERT_EQ(emitted_.size(), 3u);
  EXPECT_EQ(emitted_[0].index, 0u);
  EXPECT_EQ(emitted_[1].index, 10u);
  EXPECT_EQ(emitted_[2].index, 20u);
  EXPECT_EQ(emitted_[0].votes, (std::vector<std::optional<LabelId>>{0, std::nullopt}));
  EXPECT_EQ(emitted_[0].answers, (std::vector<std::string>{"a", "hedge"}));
  EXPECT_EQ(emitted_[2].status, (std::vector<VoteStatus>{VoteStatus::failed, VoteStatus::answered}));
  EXPECT_EQ(window.rows_done(), 3u);
}

TEST_F(VoteWindowTest, AdmitsNoMoreRowsThanItsBound) {
  auto window = make({.votes_per_row = 1, .label_count = 3, .max_rows = 4});
  std::vector<std::uint64_t> tags;
  while (auto tag = window.next_vote(rows_up_to(100))) tags.push_back(*tag);
  EXPECT_EQ(tags.size(), 4u);
  EXPECT_EQ(admitted_, 4u);
  EXPECT_TRUE(window.full());
  window.answered(tags[0], 0, "");
  EXPECT_FALSE(window.full());
  EXPECT_EQ(window.next_vote(rows_up_to(100)), 4u) << "the row that left makes room for one more";
}

TEST_F(VoteWindowTest, EarlyStopSkipsTheVotesAMajorityMakesNeedless) {
  auto window = make({.votes_per_row = 3, .label_count = 3, .early_stop = true});
  const auto first = window.next_vote(rows_up_to(1));
  const auto second = window.next_vote(rows_up_to(1));
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(window.next_vote(rows_up_to(1))) << "the third vote waits for the first two";
  window.answered(*first, 2, "");
  window.answered(*second, 2, "");
  EXPECT_EQ(emitted_.size(), 1u);
  EXPECT_EQ(window.skipped_votes(), 1u);
  EXPECT_EQ(emitted_[0].status[2], VoteStatus::not_asked);
}

TEST_F(VoteWindowTest, KeysAndAnswersAreKeptOnlyWhenAsked) {
  auto window = make({.votes_per_row = 2, .label_count = 3, .keep_keys = true});
  const auto tag = window.next_vote(rows_up_to(1));
  ASSERT_TRUE(tag);
  window.key(*tag)[0] = 0xab;
  EXPECT_EQ(window.key(*tag)[0], 0xab);
  EXPECT_EQ(window.row(*tag).text, "row 0");
  EXPECT_EQ(window.vote(*tag), 0);
  window.answered(*tag, 1, "kept?");
  window.answered(*window.next_vote(rows_up_to(1)), 1, "kept?");
  ASSERT_EQ(emitted_.size(), 1u);
  EXPECT_TRUE(emitted_[0].answers.empty()) << "answers are not kept without keep_answers";
}

}  // namespace
}  // namespace synthgen
