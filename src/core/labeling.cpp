// Majority vote over every row, scoring, and the training CSV.
#include "synthgen/core/labeling.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

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
    if (result.label && result.top_count == result.valid_votes) ++out.unanimous;
    if (!result.label) out.no_vote_rows.push_back(rows[i].index);
    out.results.push_back(result);
  }
  return out;
}

Metrics score_labels(std::span<const Row> rows, const LabeledRows& labeled, std::size_t label_count) {
  std::vector<LabeledPair> pairs;
  pairs.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& gold = rows[i].gold;
    const auto& label = labeled.results[i].label;
    if (gold && label) pairs.push_back({*gold, *label});
  }
  return compute_metrics(pairs, label_count);
}

namespace {

nlohmann::ordered_json label_or_null(const std::optional<LabelId>& label, const LabelSet& labels) {
  return label ? nlohmann::ordered_json(labels.name(*label)) : nlohmann::ordered_json();
}

nlohmann::ordered_json vote_record(const VoteRecords& r, std::size_t index, const LabelSet& labels, AnswerFormat format) {
  nlohmann::ordered_json vote;
  vote["label"] = label_or_null(r.votes[index], labels);
  vote["status"] = r.status[index] == VoteStatus::answered ? "answered" : "failed";
  if (index < r.answers.size()) {
    vote["answer"] = r.answers[index];
    const auto reason = parse_answer(r.answers[index], labels, ParserKind::strict, format).reason;
    if (!reason.empty()) vote["reason"] = reason;
  }
  return vote;
}

}  // namespace

std::string details_jsonl(std::span<const Row> rows, const LabeledRows& labeled, const VoteRecords& records, const LabelSet& labels,
                          AnswerFormat format) {
  std::string out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    nlohmann::ordered_json line;
    line["row"] = rows[i].index;
    line["text"] = rows[i].text;
    line["gold"] = label_or_null(rows[i].gold, labels);
    line["label"] = label_or_null(labeled.results[i].label, labels);
    line["agreement"] = agreement(labeled.results[i]);
    line["tie"] = labeled.results[i].tie;
    auto& votes = line["votes"] = nlohmann::ordered_json::array();
    for (std::size_t v = 0; v < records.votes_per_row; ++v) {
      const auto index = i * records.votes_per_row + v;
      if (records.status[index] != VoteStatus::not_asked) votes.push_back(vote_record(records, index, labels, format));
    }
    out += line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    out += '\n';
  }
  return out;
}

double agreement(const VoteResult& result) {
  if (!result.label || result.valid_votes == 0) return 0.0;
  return static_cast<double>(result.top_count) / static_cast<double>(result.valid_votes);
}

std::string training_csv(std::span<const Row> rows, const LabeledRows& labeled, const LabelSet& labels, bool with_agreement) {
  std::string out;
  if (with_agreement) {
    append_csv_record(out, {"text", "labels", "agreement"});
  } else {
    append_csv_record(out, {"text", "labels"});
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& result = labeled.results[i];
    if (!result.label) continue;
    if (with_agreement) {
      append_csv_record(out, {rows[i].text, labels.name(*result.label), fmt::format("{:.3f}", agreement(result))});
    } else {
      append_csv_record(out, {rows[i].text, labels.name(*result.label)});
    }
  }
  return out;
}

}  // namespace synthgen
