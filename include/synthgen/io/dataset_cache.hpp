// The download cache: rows read from the Hub, kept on disk so that a run with HF_HUB_OFFLINE=1
// needs no network. One JSONL file per dataset, config, split and column choice, owner-only.
#pragma once

#include <expected>
#include <optional>
#include <string>

#include "synthgen/core/run_config.hpp"
#include "synthgen/io/dataset_source.hpp"
#include "synthgen/io/files.hpp"

namespace synthgen {

// Where the rows of this run's Hub dataset are cached, under `cache_dir`.
std::string dataset_cache_path(const std::string& cache_dir, const RunConfig& config);

// Rows written one by one as a run reads them (a sample keeps only its rows, with the split's
// row count), owner-only; commit() replaces the cached file whole.
class DatasetCacheWriter {
 public:
  static std::expected<DatasetCacheWriter, std::string> create(const std::string& path, const LabelSet& labels,
                                                               const std::string& description, std::size_t total);
  void add(const Row& row);
  std::expected<void, std::string> commit() { return file_.commit(); }

 private:
  explicit DatasetCacheWriter(AtomicFile file) : file_(std::move(file)) {}
  AtomicFile file_;
};

std::expected<void, std::string> save_dataset(const std::string& path, const Dataset& dataset);
std::optional<Dataset> load_cached_dataset(const std::string& path);

}  // namespace synthgen
