// Steps 5-6 of a run, row by row: each row's majority vote is decided as it leaves the vote
// collector, tallied, and appended to the training file (and --details, and the HTML report's
// table); every output is opened at the start (a temporary file beside it, or a device opened
// for writing through) and all are committed together only when the run succeeds, so a failed or
// interrupted run, or one output that cannot be written, leaves every file as it was.
#pragma once

#include <optional>

#include "synthgen/app/shard_part.hpp"
#include "synthgen/core/html_report.hpp"
#include "synthgen/core/labeling.hpp"
#include "synthgen/core/report.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/sample_ledger.hpp"
#include "synthgen/io/files.hpp"

namespace synthgen {

class RunOutputs {
 public:
  // Opens every output; throws RunError (output) when one cannot be created.
  // `sample` is the row feed's selection: every row of it must be taken before commit().
  // With `part` (a --shard run), the rows also go to the part file beside --output for the merge.
  RunOutputs(const RunConfig& config, const LabelSet& labels, const RowSelection& sample, const std::optional<ShardHeader>& part = {});

  // `in_test`: the row is in the held-out test split (--test-size): it goes to the test file with
  // its human label, not to the training file.
  void take(const RowVotes& row, bool in_test = false);
  [[nodiscard]] const LabelTally& tally() const { return tally_; }
  // With --test-size, the train and test splits' figures into the summary (else nothing).
  void add_split_figures(RunSummary& summary) const;

  // Checks that every sampled row was taken once, in order (else RunError internal, nothing
  // written), then adds the metrics JSON and the HTML report, writes and flushes every file, and
  // only then renames them into place (commit_together), recording each in `written`; throws
  // RunError (output) on a failed write.
  void commit(const RunSummary& summary, WrittenFiles& written);

 private:
  const RunConfig& config_;
  const LabelSet& labels_;
  LabelTally tally_;
  SampleLedger ledger_;
  AtomicFile training_;
  std::optional<AtomicFile> test_;  // only for --test-size
  std::optional<LabelTally> train_tally_;
  std::optional<LabelTally> test_tally_;
  std::optional<AtomicFile> details_;
  std::optional<AtomicFile> metrics_;
  std::optional<AtomicFile> report_;
  std::optional<ReviewTable> review_;    // only for --report
  std::optional<ShardPartWriter> part_;  // only for --shard
};

}  // namespace synthgen
