// Counting the decided rows against the sample, and saying which row went missing.
#include "synthgen/core/sample_ledger.hpp"

namespace synthgen {

void SampleLedger::record(std::size_t row_index) {
  if (!first_wrong_) {
    if (decided_ >= selection_->size()) {
      first_wrong_ = "row " + std::to_string(row_index) + " was decided after the last sampled row";
    } else if (const auto expected = selection_->at(decided_); expected != row_index) {
      first_wrong_ = "row " + std::to_string(row_index) + " was decided where row " + std::to_string(expected) + " was due";
    }
  }
  ++decided_;
}

std::expected<void, std::string> SampleLedger::check(std::size_t labeled, std::size_t no_vote) const {
  const auto sample = selection_->size();
  if (first_wrong_) return std::unexpected(*first_wrong_);
  if (decided_ != sample) {
    // decided_ < sample here: one more would have set first_wrong_
    return std::unexpected(std::to_string(decided_) + " of the " + std::to_string(sample) + " sampled rows were decided (row " +
                           std::to_string(selection_->at(decided_)) + " is the first missing)");
  }
  if (labeled + no_vote != sample) {
    return std::unexpected(std::to_string(labeled) + " labeled and " + std::to_string(no_vote) + " no-vote rows do not add up to the " +
                           std::to_string(sample) + " sampled rows");
  }
  return {};
}

}  // namespace synthgen
