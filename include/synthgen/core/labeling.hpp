// From votes to labels: the majority per row, the run's tallies, and the training file.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "synthgen/core/label_parser.hpp"
#include "synthgen/core/labels.hpp"
#include "synthgen/core/report.hpp"
#include "synthgen/core/vote.hpp"

namespace synthgen {

// What became of one vote's request.
enum class VoteStatus : std::uint8_t { not_asked, answered, failed };

struct LabeledRows {
  std::vector<VoteResult> results;  // one per row, in row order
  std::size_t ties = 0;
  std::size_t unanimous = 0;              // labeled rows whose valid votes all agree
  std::vector<std::size_t> no_vote_rows;  // source indices of rows with no valid vote
};

// Share of a row's valid votes that went to its label (1.0: unanimous); 0 with no label.
double agreement(const VoteResult& result);

// `votes` holds `votes_per_row` entries per row, row after row.
LabeledRows decide_labels(std::span<const Row> rows, std::span<const std::optional<LabelId>> votes, std::size_t votes_per_row,
                          std::size_t label_count, std::uint64_t seed);

// Accuracy and the rest over rows that have both a gold and a decided label.
Metrics score_labels(std::span<const Row> rows, const LabeledRows& labeled, std::size_t label_count);

// One JSON line per row for --details: text, gold, label, agreement, tie, and each vote asked
// with its label (null: no vote), raw answer and reason.
struct VoteRecords {
  std::span<const std::optional<LabelId>> votes;
  std::span<const VoteStatus> status;
  std::span<const std::string> answers;
  std::size_t votes_per_row;
};
std::string details_jsonl(std::span<const Row> rows, const LabeledRows& labeled, const VoteRecords& records, const LabelSet& labels,
                          AnswerFormat format);

// `text,labels` with labels as words (and `agreement` when asked); rows without a label are left out.
std::string training_csv(std::span<const Row> rows, const LabeledRows& labeled, const LabelSet& labels, bool with_agreement = false);

}  // namespace synthgen
