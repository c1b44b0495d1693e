// The figures of a finished run, and their two renderings: a report a person reads on stdout and
// the metrics JSON a script reads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "synthgen/core/labeling.hpp"
#include "synthgen/core/labels.hpp"
#include "synthgen/core/metrics.hpp"
#include "synthgen/core/provenance.hpp"
#include "synthgen/core/request_counts.hpp"

namespace synthgen {

// The figures of one side of a --test-size split.
struct SplitFigures {
  std::string file;  // where its rows were written
  std::size_t rows = 0;
  std::size_t labeled = 0;
  Metrics metrics;  // the votes against the human labels, over its rows
};

SplitFigures split_figures(const LabelTally& tally, std::string file);

struct RunSummary {
  std::string source;
  std::size_t rows = 0;                   // rows sent to the model
  std::size_t labeled = 0;                // rows that got a label (written to the training file)
  std::size_t no_votes = 0;               // rows where no vote named a label
  std::size_t ties = 0;                   // rows whose label was drawn among tied labels
  std::size_t unanimous = 0;              // labeled rows whose valid votes all agree
  std::vector<std::size_t> no_vote_rows;  // their row indices in the source
  bool has_gold = false;
  Metrics metrics;            // over rows with both a gold and a predicted label
  RequestCounts counts;       // requests, retries, failures and tokens
  double wall_s = 0;          // the whole run
  double request_wall_s = 0;  // the request phase alone (what peer clients' benchmarks time)
  // With --test-size: the train rows (LLM labels in the training file) and the held-out test rows
  // (human labels in the test file); the figures above stay the whole sample's.
  std::optional<SplitFigures> train;
  std::optional<SplitFigures> test;
  Provenance provenance;  // empty: not written
};

// The summary's row figures from the tally of decided rows, with the run's request counts.
RunSummary summarize(const LabelTally& tally, std::string source, const RequestCounts& counts);

std::string format_report(const RunSummary& summary, const LabelSet& labels);
std::string format_metrics_json(const RunSummary& summary, const LabelSet& labels);

}  // namespace synthgen
