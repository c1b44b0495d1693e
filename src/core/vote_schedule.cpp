// Early stopping: first waves in row order, follow-up votes as soon as a row needs them.
#include "synthgen/core/vote_schedule.hpp"

#include <algorithm>

namespace synthgen {
namespace {

struct Standing {
  std::size_t top = 0;
  std::size_t second = 0;
};

Standing standing(std::span<const std::optional<LabelId>> votes, std::size_t label_count) {
  std::vector<std::size_t> counts(label_count, 0);
  for (const auto& v : votes) {
    if (v && *v >= 0 && static_cast<std::size_t>(*v) < label_count) ++counts[static_cast<std::size_t>(*v)];
  }
  std::partial_sort(counts.begin(), counts.begin() + std::min<std::size_t>(2, counts.size()), counts.end(), std::greater<>());
  return {counts.empty() ? 0 : counts[0], counts.size() < 2 ? 0 : counts[1]};
}

}  // namespace

bool majority_settled(std::span<const std::optional<LabelId>> votes, std::size_t label_count, std::size_t remaining) {
  const auto s = standing(votes, label_count);
  return s.top > s.second + remaining;
}

VoteSchedule::VoteSchedule(std::size_t votes_per_row, std::size_t label_count, bool early_stop)
    : votes_per_row_(votes_per_row), label_count_(label_count), first_wave_(early_stop ? votes_per_row / 2 + 1 : votes_per_row) {}

void VoteSchedule::admit_row() { rows_.emplace_back(); }

std::optional<std::uint64_t> VoteSchedule::next() {
  if (!follow_ups_.empty()) {
    const auto tag = follow_ups_.front();
    follow_ups_.pop_front();
    return tag;
  }
  while (next_row_ < end_position()) {
    auto& row = progress(next_row_);
    if (row.issued < first_wave_) {
      const auto tag = next_row_ * votes_per_row_ + row.issued++;
      if (row.issued == first_wave_) ++next_row_;  // its first wave is out: the row has started
      return tag;
    }
    ++next_row_;
  }
  return std::nullopt;
}

void VoteSchedule::settle(std::uint64_t tag, std::span<const std::optional<LabelId>> row_votes) {
  const auto position = tag / votes_per_row_;
  auto& row = progress(position);
  if (++row.settled < row.issued || (position == next_row_ && row.issued < first_wave_)) return;
  if (row.waiting) {
    row.done = true;
    return;
  }
  const auto remaining = votes_per_row_ - row.issued;
  const auto s = standing(row_votes.first(row.issued), label_count_);
  if (remaining == 0 || s.top > s.second + remaining) {
    skipped_ += remaining;
    row.done = true;
    return;
  }
  // The fewest further votes that could settle it: the leader gains k, the runner-up the rest.
  const auto needed = std::min(remaining, (s.second + remaining - s.top) / 2 + 1);
  for (std::size_t k = 0; k < needed; ++k) follow_ups_.push_back(position * votes_per_row_ + row.issued++);
}

void VoteSchedule::defer(std::uint64_t tag) {
  progress(tag / votes_per_row_).waiting = true;
  settle(tag, {});
}

bool VoteSchedule::front_done() const { return !rows_.empty() && rows_.front().done; }

void VoteSchedule::drop_front() {
  rows_.pop_front();
  ++base_;
  next_row_ = std::max(next_row_, base_);
}

}  // namespace synthgen
