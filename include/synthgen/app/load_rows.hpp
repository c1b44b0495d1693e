// Step 1 of a run: the rows to label, from a local file, the dataset viewer, or (for Financial
// PhraseBank, which the viewer refuses) the Hub's zip file. Says on stderr which source it used.
#pragma once

#include "synthgen/core/run_config.hpp"
#include "synthgen/io/dataset_source.hpp"

namespace synthgen {

// Throws RunError (input, auth or service) when no source gives the rows. Rows read from the Hub
// are kept in the download cache under `cache_dir`; with --offline (HF_HUB_OFFLINE) they come from
// there and nothing is asked of the network.
Dataset load_rows(const RunConfig& config, HttpPool& pool, const HeaderList& hub_headers, const std::string& cache_dir);

}  // namespace synthgen
