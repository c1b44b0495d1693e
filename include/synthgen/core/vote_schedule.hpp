// Which vote to ask for next. With early stopping, a row first gets only as many votes as could
// decide it (2 of 3), and further votes only while its majority is still open: the cheapest request
// is the one never sent, and the labels are those of the full run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "synthgen/core/labels.hpp"

namespace synthgen {

// Whether `votes` (the settled votes of a row; empty: no vote) fix the majority whatever the
// `remaining` votes say: the leader is ahead of the runner-up by more than `remaining`.
bool majority_settled(std::span<const std::optional<LabelId>> votes, std::size_t label_count, std::size_t remaining);

// Rows are admitted one after another as they are read, and leave from the front once done, so
// the schedule holds only the rows in the window, never the whole run.
class VoteSchedule {
 public:
  // A vote's tag is row position * votes_per_row + vote index.
  VoteSchedule(std::size_t votes_per_row, std::size_t label_count, bool early_stop);

  // One more row, after the last admitted one.
  void admit_row();

  // The next vote to ask for, or nothing until a settled vote opens more or a row is admitted.
  std::optional<std::uint64_t> next();

  // A vote's outcome is final (an answer, a no-vote, or a failure after retries). `row_votes` holds
  // that row's votes so far, indexed by vote.
  void settle(std::uint64_t tag, std::span<const std::optional<LabelId>> row_votes);
  // The vote's answer is not at hand in this pass (it goes to a batch engine): its row gets no
  // further vote now, as whether it needs one depends on that answer; it is done once its other
  // votes in flight are settled.
  void defer(std::uint64_t tag);

  // The first row in the window will get no further vote; drop_front() lets it go.
  [[nodiscard]] bool front_done() const;
  void drop_front();

  [[nodiscard]] std::size_t first_position() const { return base_; }  // the first row in the window
  [[nodiscard]] std::size_t end_position() const { return base_ + rows_.size(); }
  [[nodiscard]] std::size_t unstarted_rows() const { return end_position() - next_row_; }  // admitted, no vote asked yet
  [[nodiscard]] std::size_t skipped() const { return skipped_; }

 private:
  struct RowProgress {
    std::uint8_t issued = 0;
    std::uint8_t settled = 0;
    bool done = false;
    bool waiting = false;  // a vote was deferred
  };
  RowProgress& progress(std::size_t position) { return rows_[position - base_]; }

  std::size_t votes_per_row_;
  std::size_t label_count_;
  std::size_t first_wave_;
  std::deque<RowProgress> rows_;  // positions base_ .. base_ + size
  std::size_t base_ = 0;
  std::deque<std::uint64_t> follow_ups_;
  std::size_t next_row_ = 0;
  std::size_t skipped_ = 0;
};

}  // namespace synthgen
