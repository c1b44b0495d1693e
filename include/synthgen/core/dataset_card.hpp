// A labeled dataset as the Hub shows it: the dataset card (README.md: YAML front matter that
// `load_dataset` reads, then the provenance and the figures) and the encodings a push needs.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synthgen/core/hub_repo.hpp"
#include "synthgen/core/provenance.hpp"

namespace synthgen {

// The Hub's size_categories tag for a number of rows: "n<1K", "1K<n<10K", ..., "n>1T".
std::string size_category(std::size_t rows);

// Standard base64 with padding (RFC 4648 §4), as Python's base64.b64encode.
std::string base64_encode(std::string_view bytes);

// Rows per label of a training CSV (its `labels` column), in the order of `labels`, then any other
// label in the order first seen; an error when the text is no CSV or has no `labels` column.
std::expected<std::vector<std::pair<std::string, std::size_t>>, std::string> label_distribution(std::string_view csv,
                                                                                                const std::vector<std::string>& labels);

struct CardSplit {
  std::string name;  // "train", "test"
  std::string path;  // in the repo: "data/train.csv"
  std::size_t rows = 0;
};

// One split's figures against the human labels.
struct CardScore {
  std::string split;       // "test", "train", or "all" (no test split)
  std::size_t scored = 0;  // rows with both a human and an LLM label
  double accuracy = 0;
  double macro_f1 = 0;
};

struct DatasetCardFacts {
  HubRepoId repo;
  std::string license;
  std::vector<CardSplit> splits;  // train first
  Provenance provenance;          // the endpoint already redacted, as in the metrics JSON
  std::vector<CardScore> scores;  // the held-out test split first; empty: no human labels
  std::vector<std::pair<std::string, std::size_t>> train_labels;
};

// The card's whole text: front matter (license, task_categories, language, size_categories, tags,
// configs with each split's data file), then the whole provenance, each split's figures, the label
// distribution and how to load it.
std::string dataset_card(const DatasetCardFacts& facts);

}  // namespace synthgen
