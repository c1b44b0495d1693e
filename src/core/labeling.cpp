// Majority vote over every row, scoring, and the training CSV.
#include "synthgen/core/labeling.hpp"

#include "synthgen/core/csv.hpp"
#include "synthgen/core/random.hpp"

namespace synthgen {
namespace {

// A stream of its own for tie-breaks, apart from the sample's and the votes' seeds.
constexpr std::uint64_t tie_stream = 0x7469652d627265ULL;

}  // namespace

LabeledRows decide_labels(std::span<const Row> rows, std::span<const std::optional<LabelId>> votes, std::size_t votes_per_row,
                          std::size_t label_count, std::uint64_t seed) {
  LabeledRows out;
  out.results.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto row_votes = votes.subspan(i * votes_per_row, votes_per_row);
    auto result = majority_vote(row_votes, label_count, derive_seed(seed ^ tie_stream, rows[i].index));
    if (result.tie) ++out.ties;
    if (!result.label) out.no_vote_rows.push_back(rows[i].index);
    out.results.push_back(result);
  }
  return out;
}

Metrics score_labels(std::span<const Row> rows, const LabeledRows& labeled, std::size_t label_count) {
  std::vector<LabeledPair> pairs;
  pairs.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].gold && labeled.results[i].label) pairs.push_back({*rows[i].gold, *labeled.results[i].label});
  }
  return compute_metrics(pairs, label_count);
}

std::string training_csv(std::span<const Row> rows, const LabeledRows& labeled, const LabelSet& labels) {
  std::string out;
  append_csv_record(out, {"text", "labels"});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (const auto& label = labeled.results[i].label) append_csv_record(out, {rows[i].text, labels.name(*label)});
  }
  return out;
}

}  // namespace synthgen
