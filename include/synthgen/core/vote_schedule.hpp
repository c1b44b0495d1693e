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

class VoteSchedule {
 public:
  // A vote's tag is row position * votes_per_row + vote index.
  VoteSchedule(std::size_t rows, std::size_t votes_per_row, std::size_t label_count, bool early_stop);

  // The next vote to ask for, or nothing until a settled vote opens more (or all is done).
  std::optional<std::uint64_t> next();

  // A vote's outcome is final (an answer, a no-vote, or a failure after retries). `votes` holds all
  // votes so far, indexed by tag.
  void settle(std::uint64_t tag, std::span<const std::optional<LabelId>> votes);

  [[nodiscard]] std::size_t skipped() const { return skipped_; }

 private:
  struct RowProgress {
    std::uint8_t issued = 0;
    std::uint8_t settled = 0;
  };
  std::size_t votes_per_row_;
  std::size_t label_count_;
  std::size_t first_wave_;
  std::vector<RowProgress> rows_;
  std::deque<std::uint64_t> follow_ups_;
  std::size_t next_row_ = 0;
  std::size_t skipped_ = 0;
};

}  // namespace synthgen
