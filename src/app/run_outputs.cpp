// The training CSV, --details, --metrics-json and --report, written as the rows are decided.
#include "synthgen/app/run_outputs.hpp"

#include <vector>

#include "synthgen/app/run_error.hpp"

namespace synthgen {
namespace {

AtomicFile create_output(const std::string& path) {
  auto file = AtomicFile::create(path);
  if (!file) throw RunError(ExitCode::output, "cannot write " + output_name(path) + ": " + file.error());
  return std::move(*file);
}

std::optional<AtomicFile> create_if_asked(const std::string& path) {
  if (path.empty()) return std::nullopt;
  return create_output(path);
}

}  // namespace

RunOutputs::RunOutputs(const RunConfig& config, const LabelSet& labels, const RowSelection& sample, const std::optional<ShardHeader>& part)
    : config_(config),
      labels_(labels),
      tally_(labels.size()),
      ledger_(sample),
      training_(create_output(config.output)),
      details_(create_if_asked(config.details)),
      metrics_(create_if_asked(config.metrics_json)),
      report_(create_if_asked(config.html_report)) {
  training_.append(training_csv_header(config.with_confidence));
  if (config.test_size.on()) {
    test_.emplace(create_output(config.test_output));
    test_->append(test_csv_header(config.with_confidence));
    train_tally_.emplace(labels.size());
    test_tally_.emplace(labels.size());
  }
  if (report_) review_.emplace(labels, config.answer_format);
  if (part) part_.emplace(shard_part_path(config.output), *part);
}

void RunOutputs::take(const RowVotes& row, bool in_test) {
  ledger_.record(row.row.index);
  const auto result = decide_row(row, labels_.size(), config_.seed);
  tally_.add(row.row, result);
  if (in_test && test_ && test_tally_) {
    test_tally_->add(row.row, result);
    test_->append(test_csv_record(row.row, result, labels_, config_.with_confidence));
  } else {
    if (train_tally_) train_tally_->add(row.row, result);
    training_.append(training_csv_record(row.row, result, labels_, config_.with_confidence));
  }
  if (details_) details_->append(details_line(row, result, labels_, config_.answer_format));
  if (review_) review_->add(row, result);
  if (part_) part_->add(row, in_test);
}

void RunOutputs::add_split_figures(RunSummary& summary) const {
  if (!test_ || !train_tally_ || !test_tally_) return;
  summary.train = split_figures(*train_tally_, output_name(config_.output));
  summary.test = split_figures(*test_tally_, output_name(config_.test_output));
}

void RunOutputs::commit(const RunSummary& summary, WrittenFiles& written) {
  if (auto whole = ledger_.check(tally_.labeled(), tally_.no_vote_rows().size()); !whole)
    throw RunError(ExitCode::internal, "the run lost rows: " + whole.error() + "; nothing was written: please report this bug");
  if (metrics_) metrics_->append(format_metrics_json(summary, labels_));
  // The label distribution is the training file's: with a test split, the train rows' alone.
  if (report_) report_->append(format_html_report(summary, labels_, train_tally_ ? *train_tally_ : tally_, *review_));
  std::vector<AtomicFile*> files{&training_};
  for (auto* file : {&test_, &details_, &metrics_, &report_}) {
    if (*file) files.push_back(&**file);
  }
  if (part_) {
    part_->finish({summary.counts, summary.wall_s, summary.request_wall_s});
    files.push_back(&part_->file());
  }
  if (auto ok = commit_together(files, &written); !ok) throw RunError(ExitCode::output, ok.error());
}

}  // namespace synthgen
