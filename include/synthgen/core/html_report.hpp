// `--report FILE.html`: one self-contained page (no external asset; a small inline script sorts and
// filters the review table) where a person checks the labels: the run's figures, the training
// file's label distribution, the confusion matrix with counts and row shares on one blue ramp, the
// accuracy per exact vote pattern, and the rows to review first with their votes and reasons.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "synthgen/core/labeling.hpp"
#include "synthgen/core/report.hpp"
#include "synthgen/core/vote_pattern.hpp"

namespace synthgen {

// Why a row is in the review table, in the order it is listed.
// unanimous: every valid vote agrees and the label is not the gold (likely a gold error);
// tie: the label was drawn among tied ones and is not the gold; disagrees: the rest of the rows whose
// label is not the gold (no label included); low_agreement: a row without gold whose votes were not
// unanimous, lowest agreement first.
enum class ReviewKind : std::uint8_t { unanimous, tie, disagrees, low_agreement };
inline constexpr std::size_t review_kinds = 4;

// The report's row tables, gathered as the rows go by: the counts per vote pattern, and the
// `max_listed` rows to review first, kept in a bounded heap (HTML built only for a kept row).
class ReviewTable {
 public:
  static constexpr std::size_t max_listed = 200;
  ReviewTable(const LabelSet& labels, AnswerFormat format) : labels_(labels), format_(format) {}
  void add(const RowVotes& row, const VoteResult& result);

  [[nodiscard]] const PatternTally& patterns() const { return patterns_; }
  [[nodiscard]] std::size_t count(ReviewKind kind) const { return counts_[static_cast<std::size_t>(kind)]; }
  // The review section: the rows in review order, with the counts of each kind and of those left out.
  [[nodiscard]] std::string html(bool has_gold) const;

 private:
  struct Entry {
    ReviewKind kind;
    double order;  // within a kind, smaller first
    std::size_t index;
    std::string html;
  };
  static bool before(const Entry& a, const Entry& b);

  const LabelSet& labels_;
  AnswerFormat format_;
  PatternTally patterns_;
  std::array<std::size_t, review_kinds> counts_{};
  std::vector<Entry> kept_;  // a max-heap on `before`: the last row to list is on top
};

std::string format_html_report(const RunSummary& summary, const LabelSet& labels, const LabelTally& tally, const ReviewTable& review);

// Text made safe inside HTML elements and attributes.
std::string html_escape(std::string_view text);

// 1234567 -> "1,234,567".
std::string group_thousands(std::size_t n);

// The colour of a share from 0 to 1 on the sequential blue ramp (matplotlib's Blues), "#rrggbb".
std::string blue_ramp(double share);

}  // namespace synthgen
