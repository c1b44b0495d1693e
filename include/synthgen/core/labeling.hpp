// From votes to labels: the majority per row, the run's tallies, and the training file.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "synthgen/core/labels.hpp"
#include "synthgen/core/report.hpp"
#include "synthgen/core/vote.hpp"

namespace synthgen {

struct LabeledRows {
  std::vector<VoteResult> results;  // one per row, in row order
  std::size_t ties = 0;
  std::vector<std::size_t> no_vote_rows;  // source indices of rows with no valid vote
};

// `votes` holds `votes_per_row` entries per row, row after row.
LabeledRows decide_labels(std::span<const Row> rows, std::span<const std::optional<LabelId>> votes, std::size_t votes_per_row,
                          std::size_t label_count, std::uint64_t seed);

// Accuracy and the rest over rows that have both a gold and a decided label.
Metrics score_labels(std::span<const Row> rows, const LabeledRows& labeled, std::size_t label_count);

// `text,labels` with labels as words; rows without a label are left out.
std::string training_csv(std::span<const Row> rows, const LabeledRows& labeled, const LabelSet& labels);

}  // namespace synthgen
