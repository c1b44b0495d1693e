// The figures of a finished run, and their two renderings: a report a person reads on stdout and
// the metrics JSON a script reads.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "synthgen/core/labels.hpp"
#include "synthgen/core/metrics.hpp"

namespace synthgen {

struct RunSummary {
  std::string source;
  std::size_t rows = 0;                   // rows sent to the model
  std::size_t labeled = 0;                // rows that got a label (written to the training file)
  std::size_t no_votes = 0;               // rows where no vote named a label
  std::size_t ties = 0;                   // rows whose label was drawn among tied labels
  std::size_t unanimous = 0;              // labeled rows whose valid votes all agree
  std::vector<std::size_t> no_vote_rows;  // their row indices in the source
  bool has_gold = false;
  Metrics metrics;           // over rows with both a gold and a predicted label
  std::size_t requests = 0;  // inference requests sent, retries included
  std::size_t retries = 0;
  std::size_t cached = 0;                       // votes answered from the response store
  std::size_t skipped_votes = 0;                // votes not asked for (early stop)
  std::size_t failed_requests = 0;              // votes whose request failed for good
  std::map<std::string, std::size_t> failures;  // by kind: "http_500", "transport", "bad_body", ...
  std::map<std::string, std::size_t> retried;   // retries by the kind of failure behind them
  std::size_t invalid_answers = 0;              // answers that named no label
  long prompt_tokens = 0;
  long completion_tokens = 0;
  double wall_s = 0;          // the whole run
  double request_wall_s = 0;  // the request phase alone (what peer clients' benchmarks time)
};

std::string format_report(const RunSummary& summary, const LabelSet& labels);
std::string format_metrics_json(const RunSummary& summary, const LabelSet& labels);

}  // namespace synthgen
