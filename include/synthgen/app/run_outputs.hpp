// Steps 5-6 of a run, row by row: each row's majority vote is decided as it leaves the vote
// collector, tallied, and appended to the training file (and --details, and the HTML report's
// table); the files go to temporary names and replace the real ones only when the run succeeds,
// so a failed or interrupted run leaves every output as it was.
#pragma once

#include <optional>

#include "synthgen/core/html_report.hpp"
#include "synthgen/core/labeling.hpp"
#include "synthgen/core/report.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/sample_ledger.hpp"
#include "synthgen/io/files.hpp"

namespace synthgen {

class RunOutputs {
 public:
  // Opens the temporary files; throws RunError (output) when one cannot be created.
  // `sample` is the row feed's selection: every row of it must be taken before commit().
  RunOutputs(const RunConfig& config, const LabelSet& labels, const RowSelection& sample);

  void take(const RowVotes& row);
  [[nodiscard]] const LabelTally& tally() const { return tally_; }

  // Checks that every sampled row was taken once, in order (else RunError internal, nothing
  // written), then renames the training file and --details into place and writes the metrics JSON
  // and the HTML report; throws RunError (output) on a failed write.
  void commit(const RunSummary& summary);

 private:
  const RunConfig& config_;
  const LabelSet& labels_;
  LabelTally tally_;
  SampleLedger ledger_;
  AtomicFile training_;
  std::optional<AtomicFile> details_;
  std::optional<DisagreementTable> disagreements_;  // only for --report
};

}  // namespace synthgen
