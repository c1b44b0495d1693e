// The window of rows in flight, and their hand-over to the sink in row order.
#include "synthgen/app/vote_window.hpp"

#include <utility>

namespace synthgen {

VoteWindow::VoteWindow(const WindowShape& shape, RowSink sink)
    : per_row_(shape.votes_per_row),
      keep_answers_(shape.keep_answers),
      keep_keys_(shape.keep_keys),
      max_rows_(shape.max_rows),
      schedule_(shape.votes_per_row, shape.label_count, shape.early_stop),
      sink_(std::move(sink)) {}

std::optional<std::uint64_t> VoteWindow::next_vote(const NextRow& next_row) {
  for (;;) {
    if (const auto tag = schedule_.next()) return tag;
    if (full()) return std::nullopt;
    auto row = next_row();
    if (!row) return std::nullopt;
    admit(std::move(*row));
  }
}

void VoteWindow::admit(Row row) {
  RowSlot slot{
      std::move(row), std::vector<std::optional<LabelId>>(per_row_), std::vector<VoteStatus>(per_row_, VoteStatus::not_asked), {}, {}};
  if (keep_answers_) slot.answers.resize(per_row_);
  if (keep_keys_) slot.keys.resize(per_row_);
  rows_.push_back(std::move(slot));
  schedule_.admit_row();
}

void VoteWindow::answered(std::uint64_t tag, std::optional<LabelId> label, std::string_view text) {
  auto& s = slot(tag);
  s.votes[tag % per_row_] = label;
  if (keep_answers_) s.answers[tag % per_row_] = text;
  settle(tag, VoteStatus::answered);
}

void VoteWindow::failed(std::uint64_t tag) { settle(tag, VoteStatus::failed); }

void VoteWindow::deferred(std::uint64_t tag) { settle(tag, VoteStatus::deferred); }

void VoteWindow::settle(std::uint64_t tag, VoteStatus status) {
  auto& s = slot(tag);
  s.status[tag % per_row_] = status;
  if (status == VoteStatus::deferred) {
    schedule_.defer(tag);
  } else {
    schedule_.settle(tag, s.votes);
  }
  while (schedule_.front_done()) {
    const auto& done = rows_.front();
    sink_(RowVotes{done.row, done.votes, done.status, done.answers});
    ++rows_done_;
    rows_.pop_front();
    schedule_.drop_front();
  }
}

}  // namespace synthgen
