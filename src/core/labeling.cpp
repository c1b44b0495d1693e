// Majority vote per row, the run's tallies, and the lines of the training and details files.
#include "synthgen/core/labeling.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "synthgen/core/csv.hpp"
#include "synthgen/core/random.hpp"

namespace synthgen {
namespace {

// A stream of its own for tie-breaks, apart from the sample's and the votes' seeds.
constexpr std::uint64_t tie_stream = 0x7469652d627265ULL;

nlohmann::ordered_json label_or_null(const std::optional<LabelId>& label, const LabelSet& labels) {
  return label ? nlohmann::ordered_json(labels.name(*label)) : nlohmann::ordered_json();
}

nlohmann::ordered_json vote_record(const RowVotes& r, std::size_t vote, const LabelSet& labels, AnswerFormat format) {
  nlohmann::ordered_json record;
  record["label"] = label_or_null(r.votes[vote], labels);
  record["status"] = r.status[vote] == VoteStatus::answered ? "answered" : "failed";
  if (vote < r.answers.size()) {
    record["answer"] = r.answers[vote];
    const auto reason = parse_answer(r.answers[vote], labels, ParserKind::strict, format).reason;
    if (!reason.empty()) record["reason"] = reason;
  }
  return record;
}

}  // namespace

VoteResult decide_row(const RowVotes& row, std::size_t label_count, std::uint64_t seed) {
  return majority_vote(row.votes, label_count, derive_seed(seed ^ tie_stream, row.row.index));
}

double agreement(const VoteResult& result) {
  if (!result.label || result.valid_votes == 0) return 0.0;
  return static_cast<double>(result.top_count) / static_cast<double>(result.valid_votes);
}

std::size_t agreement_bucket(const VoteResult& result) {
  if (!result.label) return 0;
  const auto a = agreement(result);
  return a >= 1.0 ? 4 : a >= 0.67 ? 3 : a >= 0.5 ? 2 : 1;
}

LabelTally::LabelTally(std::size_t label_count)
    : confusion_(label_count, std::vector<std::size_t>(label_count, 0)), label_counts_(label_count, 0) {}

void LabelTally::add(const Row& row, const VoteResult& result) {
  ++rows_;
  if (result.tie) ++ties_;
  if (result.label && result.top_count == result.valid_votes) ++unanimous_;
  if (!result.label) no_vote_rows_.push_back(row.index);
  if (result.label) ++label_counts_.at(static_cast<std::size_t>(*result.label));
  if (row.gold) has_gold_ = true;
  ++agreement_counts_[agreement_bucket(result)];
  if (row.gold && result.label) ++confusion_.at(static_cast<std::size_t>(*row.gold)).at(static_cast<std::size_t>(*result.label));
}

std::string training_csv_header(bool with_agreement) {
  std::string out;
  if (with_agreement) {
    append_csv_record(out, {"text", "labels", "agreement"});
  } else {
    append_csv_record(out, {"text", "labels"});
  }
  return out;
}

std::string training_csv_record(const Row& row, const VoteResult& result, const LabelSet& labels, bool with_agreement) {
  std::string out;
  if (!result.label) return out;
  if (with_agreement) {
    append_csv_record(out, {row.text, labels.name(*result.label), fmt::format("{:.3f}", agreement(result))});
  } else {
    append_csv_record(out, {row.text, labels.name(*result.label)});
  }
  return out;
}

std::string test_csv_header(bool with_agreement) {
  std::string out;
  if (with_agreement) {
    append_csv_record(out, {"text", "labels", "llm_label", "agreement"});
  } else {
    append_csv_record(out, {"text", "labels", "llm_label"});
  }
  return out;
}

std::string test_csv_record(const Row& row, const VoteResult& result, const LabelSet& labels, bool with_agreement) {
  std::string out;
  const auto gold = row.gold ? labels.name(*row.gold) : std::string();
  const auto llm = result.label ? labels.name(*result.label) : std::string();
  if (with_agreement) {
    append_csv_record(out, {row.text, gold, llm, result.label ? fmt::format("{:.3f}", agreement(result)) : std::string()});
  } else {
    append_csv_record(out, {row.text, gold, llm});
  }
  return out;
}

std::string details_line(const RowVotes& row, const VoteResult& result, const LabelSet& labels, AnswerFormat format) {
  nlohmann::ordered_json line;
  line["row"] = row.row.index;
  line["text"] = row.row.text;
  line["gold"] = label_or_null(row.row.gold, labels);
  line["label"] = label_or_null(result.label, labels);
  line["agreement"] = agreement(result);
  line["tie"] = result.tie;
  auto& votes = line["votes"] = nlohmann::ordered_json::array();
  for (std::size_t v = 0; v < row.votes.size(); ++v) {
    if (row.status[v] != VoteStatus::not_asked) votes.push_back(vote_record(row, v, labels, format));
  }
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + '\n';
}

}  // namespace synthgen
