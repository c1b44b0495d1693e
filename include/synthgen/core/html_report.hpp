// `--report FILE.html`: one self-contained page (no external assets) with the run's figures as
// pictures: the confusion matrix as a heat map, per-class bars, the agreement histogram, and the
// rows where the vote disagrees with gold, with their votes and the model's reasons.
#pragma once

#include <span>
#include <string>

#include "synthgen/core/labeling.hpp"
#include "synthgen/core/report.hpp"

namespace synthgen {

// The rows the report lists where the vote disagrees with gold, gathered as the rows go by: the
// first 200 are kept as HTML, the rest only counted.
class DisagreementTable {
 public:
  DisagreementTable(const LabelSet& labels, AnswerFormat format) : labels_(labels), format_(format) {}
  void add(const RowVotes& row, const VoteResult& result);
  [[nodiscard]] std::string html() const;

 private:
  const LabelSet& labels_;
  AnswerFormat format_;
  std::string rows_html_;
  std::size_t total_ = 0;
};

std::string format_html_report(const RunSummary& summary, const LabelSet& labels, const LabelTally& tally,
                               const DisagreementTable& disagreements);

// Text made safe inside HTML elements and attributes.
std::string html_escape(std::string_view text);

}  // namespace synthgen
