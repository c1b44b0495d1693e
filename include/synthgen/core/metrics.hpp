// Agreement of the model's labels with the human ones: accuracy, macro-F1, per-class scores and
// the confusion matrix, computed as scikit-learn does.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "synthgen/core/labels.hpp"

namespace synthgen {

struct ClassScores {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  std::size_t support = 0;  // rows whose gold label is this class
};

struct Metrics {
  std::size_t scored = 0;  // rows with both a gold and a predicted label
  double accuracy = 0;
  double macro_f1 = 0;  // mean F1 over the classes present in gold or predictions
  double kappa = 0;     // Cohen's kappa: agreement with gold beyond chance
  std::vector<ClassScores> per_class;
  std::vector<std::vector<std::size_t>> confusion;  // [gold][predicted]
};

struct LabeledPair {
  LabelId gold;
  LabelId predicted;
};

Metrics compute_metrics(std::span<const LabeledPair> pairs, std::size_t label_count);

// The same scores from a confusion matrix counted as the rows went by ([gold][predicted]).
Metrics metrics_from_confusion(std::vector<std::vector<std::size_t>> confusion);

}  // namespace synthgen
