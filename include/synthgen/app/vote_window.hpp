// The rows whose votes are being asked for: a bounded window, in row order. Rows enter as the votes
// need them, each vote's outcome is recorded in its row's slot, and a row leaves for the sink, in
// row order, once the schedule says it gets no further vote.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synthgen/core/labeling.hpp"
#include "synthgen/core/vote_schedule.hpp"
#include "synthgen/io/response_store.hpp"

namespace synthgen {

// Takes each row once its votes are in, in row order (answers are filled only with keep_answers).
using RowSink = std::function<void(const RowVotes&)>;

struct WindowShape {
  std::size_t votes_per_row = 1;
  std::size_t label_count = 0;
  bool early_stop = false;
  bool keep_answers = false;  // each vote's answer text goes to the sink (for --details)
  bool keep_keys = false;     // each vote's response store key is kept (with a store)
  std::size_t max_rows = 1024;
};

class VoteWindow {
 public:
  using NextRow = std::function<std::optional<Row>()>;

  VoteWindow(const WindowShape& shape, RowSink sink);

  // The next vote to ask for (tag: row position x votes per row + vote), admitting rows from
  // `next_row` while none is ready and there is room; nothing when none can be asked for now.
  std::optional<std::uint64_t> next_vote(const NextRow& next_row);

  [[nodiscard]] const Row& row(std::uint64_t tag) const { return slot(tag).row; }
  [[nodiscard]] std::size_t position(std::uint64_t tag) const { return tag / per_row_; }
  [[nodiscard]] int vote(std::uint64_t tag) const { return static_cast<int>(tag % per_row_); }
  StoreKey& key(std::uint64_t tag) { return slot(tag).keys[tag % per_row_]; }

  // The vote's outcome is final: an answer (a label, or none: a no-vote) or a failure.
  void answered(std::uint64_t tag, std::optional<LabelId> label, std::string_view text);
  void failed(std::uint64_t tag);
  // The vote's answer is not asked for in this pass (see VoteSchedule::defer).
  void deferred(std::uint64_t tag);

  [[nodiscard]] bool full() const { return rows_.size() >= max_rows_; }
  [[nodiscard]] std::size_t unstarted_rows() const { return schedule_.unstarted_rows(); }
  [[nodiscard]] std::size_t rows_done() const { return rows_done_; }
  [[nodiscard]] std::size_t skipped_votes() const { return schedule_.skipped(); }

 private:
  struct RowSlot {
    Row row;
    std::vector<std::optional<LabelId>> votes;
    std::vector<VoteStatus> status;
    std::vector<std::string> answers;  // only with keep_answers
    std::vector<StoreKey> keys;        // only with keep_keys: each vote's key, made once
  };

  RowSlot& slot(std::uint64_t tag) { return rows_[position(tag) - schedule_.first_position()]; }
  [[nodiscard]] const RowSlot& slot(std::uint64_t tag) const { return rows_[position(tag) - schedule_.first_position()]; }
  void admit(Row row);
  void settle(std::uint64_t tag, VoteStatus status);

  std::size_t per_row_;
  bool keep_answers_;
  bool keep_keys_;
  std::size_t max_rows_;
  VoteSchedule schedule_;
  std::deque<RowSlot> rows_;  // positions first_position() .. end_position() of the schedule
  RowSink sink_;
  std::size_t rows_done_ = 0;
};

}  // namespace synthgen
