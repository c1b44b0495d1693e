// From votes to labels, one row at a time: the majority per row, the run's tallies, and the
// training file's and the details file's lines. Nothing here holds a row longer than its call.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "synthgen/core/label_parser.hpp"
#include "synthgen/core/labels.hpp"
#include "synthgen/core/metrics.hpp"
#include "synthgen/core/vote.hpp"

namespace synthgen {

// What became of one vote's request.
// deferred: the answer is asked of a batch engine (`batch export`), not in this pass.
enum class VoteStatus : std::uint8_t { not_asked, answered, failed, deferred };

// One row with every vote it got, as the vote collector hands it over.
struct RowVotes {
  const Row& row;
  std::span<const std::optional<LabelId>> votes;  // empty: no vote
  std::span<const VoteStatus> status;             // same index
  std::span<const std::string> answers;           // same index, raw answers; empty unless kept
};

// The majority of the row's votes; a tie is drawn from the run seed and the row's index.
VoteResult decide_row(const RowVotes& row, std::size_t label_count, std::uint64_t seed);

// Share of a row's valid votes that went to its label (1.0: unanimous); 0 with no label.
double agreement(const VoteResult& result);

// The agreement histogram's buckets: no vote, under 50 %, 50 to 67 %, 67 to 99 %, unanimous.
constexpr std::size_t agreement_buckets = 5;
std::size_t agreement_bucket(const VoteResult& result);

// The run's figures, gathered row after row: counts and the confusion matrix, and the indices of
// the rows that got no vote (the only list that grows, and only with failures).
class LabelTally {
 public:
  explicit LabelTally(std::size_t label_count);
  void add(const Row& row, const VoteResult& result);

  [[nodiscard]] std::size_t rows() const { return rows_; }
  [[nodiscard]] std::size_t labeled() const { return rows_ - no_vote_rows_.size(); }
  [[nodiscard]] std::size_t ties() const { return ties_; }
  [[nodiscard]] std::size_t unanimous() const { return unanimous_; }  // labeled rows whose valid votes all agree
  [[nodiscard]] const std::vector<std::size_t>& no_vote_rows() const { return no_vote_rows_; }
  [[nodiscard]] bool has_gold() const { return has_gold_; }
  [[nodiscard]] const std::array<std::size_t, agreement_buckets>& agreement_counts() const { return agreement_counts_; }
  // Rows per decided label: the training file's label distribution.
  [[nodiscard]] const std::vector<std::size_t>& label_counts() const { return label_counts_; }
  // Accuracy and the rest over rows that have both a gold and a decided label.
  [[nodiscard]] Metrics metrics() const { return metrics_from_confusion(confusion_); }

 private:
  std::size_t rows_ = 0;
  std::size_t ties_ = 0;
  std::size_t unanimous_ = 0;
  std::vector<std::size_t> no_vote_rows_;
  bool has_gold_ = false;
  std::array<std::size_t, agreement_buckets> agreement_counts_{};
  std::vector<std::vector<std::size_t>> confusion_;
  std::vector<std::size_t> label_counts_;
};

// `text,labels` with labels as words (and `agreement` when asked).
std::string training_csv_header(bool with_agreement = false);
// The row's record; empty for a row without a label, which the training file leaves out.
std::string training_csv_record(const Row& row, const VoteResult& result, const LabelSet& labels, bool with_agreement = false);

// The test file (--test-size): `text,labels,llm_label`, the human label as `labels` (what a
// classifier trained on the training file is scored against) and the vote's beside it (empty:
// no vote), and with --with-confidence the vote's `agreement` (empty with no vote). Every test
// row has a record.
std::string test_csv_header(bool with_agreement = false);
std::string test_csv_record(const Row& row, const VoteResult& result, const LabelSet& labels, bool with_agreement = false);

// One JSON line for --details: text, gold, label, agreement, tie, and each vote asked with its
// label (null: no vote), raw answer and reason.
std::string details_line(const RowVotes& row, const VoteResult& result, const LabelSet& labels, AnswerFormat format);

}  // namespace synthgen
