// The training CSV, --details, --metrics-json and --report, written as the rows are decided.
#include "synthgen/app/run_outputs.hpp"

#include "synthgen/app/run_error.hpp"

namespace synthgen {
namespace {

AtomicFile create_output(const std::string& path) {
  auto file = AtomicFile::create(path);
  if (!file) throw RunError(ExitCode::output, "cannot write " + path + ": " + file.error());
  return std::move(*file);
}

void commit_output(AtomicFile& file) {
  if (auto ok = file.commit(); !ok) throw RunError(ExitCode::output, ok.error());
}

void write_output(const std::string& path, const std::string& content) {
  if (auto ok = write_file_atomically(path, content); !ok) throw RunError(ExitCode::output, ok.error());
}

}  // namespace

RunOutputs::RunOutputs(const RunConfig& config, const LabelSet& labels, const RowSelection& sample)
    : config_(config), labels_(labels), tally_(labels.size()), ledger_(sample), training_(create_output(config.output)) {
  training_.append(training_csv_header(config.with_confidence));
  if (!config.details.empty()) details_.emplace(create_output(config.details));
  if (!config.html_report.empty()) disagreements_.emplace(labels, config.answer_format);
}

void RunOutputs::take(const RowVotes& row) {
  ledger_.record(row.row.index);
  const auto result = decide_row(row, labels_.size(), config_.seed);
  tally_.add(row.row, result);
  training_.append(training_csv_record(row.row, result, labels_, config_.with_confidence));
  if (details_) details_->append(details_line(row, result, labels_, config_.answer_format));
  if (disagreements_) disagreements_->add(row, result);
}

void RunOutputs::commit(const RunSummary& summary) {
  if (auto whole = ledger_.check(tally_.labeled(), tally_.no_vote_rows().size()); !whole)
    throw RunError(ExitCode::internal, "the run lost rows: " + whole.error() + "; nothing was written: please report this bug");
  commit_output(training_);
  if (details_) commit_output(*details_);
  if (!config_.metrics_json.empty()) write_output(config_.metrics_json, format_metrics_json(summary, labels_));
  if (disagreements_) write_output(config_.html_report, format_html_report(summary, labels_, tally_, *disagreements_));
}

}  // namespace synthgen
