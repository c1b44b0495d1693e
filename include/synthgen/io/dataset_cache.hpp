// The download cache: rows read from the Hub, kept on disk so that a run with HF_HUB_OFFLINE=1
// needs no network. One JSONL file per dataset, config, split and column choice, owner-only.
#pragma once

#include <expected>
#include <optional>
#include <string>

#include "synthgen/core/run_config.hpp"
#include "synthgen/io/dataset_source.hpp"

namespace synthgen {

// Where the rows of this run's Hub dataset are cached, under `cache_dir`.
std::string dataset_cache_path(const std::string& cache_dir, const RunConfig& config);

std::expected<void, std::string> save_dataset(const std::string& path, const Dataset& dataset);
std::optional<Dataset> load_cached_dataset(const std::string& path);

}  // namespace synthgen
