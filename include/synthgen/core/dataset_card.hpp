// A labeled dataset as the Hub shows it: the repo id checked as huggingface_hub checks it, and the
// dataset card (README.md: YAML front matter that `load_dataset` reads, then the provenance).
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace synthgen {

struct HubRepoId {
  std::string owner;  // a user or an organization
  std::string name;
  [[nodiscard]] std::string id() const { return owner + "/" + name; }
};

// OWNER/NAME, each part letters, digits, '-', '_' and '.', not starting or ending with '-' or '.',
// without "--" or "..", the name 96 characters at most (huggingface_hub utils/_validators.py
// validate_repo_id; the owner is required here: a push names the namespace it writes to).
std::expected<HubRepoId, std::string> parse_hub_repo_id(std::string_view text);

// The Hub's license of a source dataset synthgen knows, else nullopt (then --license must say).
std::optional<std::string> known_license(std::string_view dataset);

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

struct DatasetCardFacts {
  HubRepoId repo;
  std::string license;
  std::vector<CardSplit> splits;  // train first
  std::string source;             // where the texts came from ("takala/financial_phrasebank (sentences_allagree, train)")
  std::string model;
  std::string endpoint;  // already redacted
  std::string prompt;    // "cot", "simple" or the --prompt-file's name
  int votes = 0;
  unsigned long long seed = 0;
  double temperature = 0;
  std::string synthgen_version;
  std::string date;                // YYYY-MM-DD, UTC
  std::optional<double> accuracy;  // against the human labels, when there were some
  std::optional<double> macro_f1;
  std::size_t scored = 0;  // rows the figures are over
  std::vector<std::pair<std::string, std::size_t>> train_labels;
};

// The card's whole text: front matter (license, task_categories, language, size_categories, tags,
// configs with each split's data file), then provenance, figures, label distribution and how to load it.
std::string dataset_card(const DatasetCardFacts& facts);

}  // namespace synthgen
