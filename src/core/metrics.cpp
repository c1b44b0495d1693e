// Confusion matrix first, every score derived from it (zero where a denominator is zero, as
// scikit-learn's zero_division=0).
#include "synthgen/core/metrics.hpp"

#include <utility>

namespace synthgen {
namespace {

double ratio(std::size_t num, std::size_t den) { return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den); }

// (p_o - p_e) / (1 - p_e), with p_e from the row and column sums; 0 when p_e is 1.
double cohen_kappa(const std::vector<std::vector<std::size_t>>& confusion, std::size_t n) {
  if (n == 0) return 0.0;
  const auto total = static_cast<double>(n);
  double observed = 0;
  double expected = 0;
  for (std::size_t c = 0; c < confusion.size(); ++c) {
    std::size_t gold = 0;
    std::size_t predicted = 0;
    for (std::size_t k = 0; k < confusion.size(); ++k) {
      gold += confusion[c][k];
      predicted += confusion[k][c];
    }
    observed += static_cast<double>(confusion[c][c]) / total;
    expected += (static_cast<double>(gold) / total) * (static_cast<double>(predicted) / total);
  }
  return expected >= 1.0 ? 0.0 : (observed - expected) / (1.0 - expected);
}

}  // namespace

Metrics compute_metrics(std::span<const LabeledPair> pairs, std::size_t label_count) {
  std::vector<std::vector<std::size_t>> confusion(label_count, std::vector<std::size_t>(label_count, 0));
  for (const auto& p : pairs) ++confusion.at(static_cast<std::size_t>(p.gold)).at(static_cast<std::size_t>(p.predicted));
  return metrics_from_confusion(std::move(confusion));
}

Metrics metrics_from_confusion(std::vector<std::vector<std::size_t>> confusion) {
  Metrics m;
  const auto label_count = confusion.size();
  m.confusion = std::move(confusion);
  for (const auto& row : m.confusion) {
    for (const auto count : row) m.scored += count;
  }

  std::size_t correct = 0;
  double f1_sum = 0;
  std::size_t present = 0;
  m.per_class.resize(label_count);
  for (std::size_t c = 0; c < label_count; ++c) {
    std::size_t predicted = 0;
    std::size_t actual = 0;
    for (std::size_t k = 0; k < label_count; ++k) {
      predicted += m.confusion[k][c];
      actual += m.confusion[c][k];
    }
    const auto hits = m.confusion[c][c];
    correct += hits;
    auto& s = m.per_class[c];
    s.support = actual;
    s.precision = ratio(hits, predicted);
    s.recall = ratio(hits, actual);
    s.f1 = (s.precision + s.recall) == 0 ? 0.0 : 2 * s.precision * s.recall / (s.precision + s.recall);
    if (predicted + actual > 0) {
      f1_sum += s.f1;
      ++present;
    }
  }
  m.accuracy = ratio(correct, m.scored);
  m.macro_f1 = present == 0 ? 0.0 : f1_sum / static_cast<double>(present);
  m.kappa = cohen_kappa(m.confusion, m.scored);
  return m;
}

}  // namespace synthgen
