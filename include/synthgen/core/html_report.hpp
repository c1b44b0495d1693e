// `--report FILE.html`: one self-contained page (no external assets) with the run's figures as
// pictures: the confusion matrix as a heat map, per-class bars, the agreement histogram, and the
// rows where the vote disagrees with gold, with their votes and the model's reasons.
#pragma once

#include <span>
#include <string>

#include "synthgen/core/labeling.hpp"
#include "synthgen/core/report.hpp"

namespace synthgen {

struct ReportRows {
  std::span<const Row> rows;
  const LabeledRows& labeled;
  VoteRecords votes;
  AnswerFormat format;
};

std::string format_html_report(const RunSummary& summary, const LabelSet& labels, const ReportRows& detail);

// Text made safe inside HTML elements and attributes.
std::string html_escape(std::string_view text);

}  // namespace synthgen
