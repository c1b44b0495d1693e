// Steps shared by the labeling run and `synthgen plan`: the prompt, the auth header, the cache dir.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "synthgen/core/prompt.hpp"
#include "synthgen/core/provenance.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/secrets.hpp"
#include "synthgen/io/dataset_source.hpp"

namespace synthgen {

// The built-in template named by --prompt, or --prompt-file's; throws RunError (usage) when unusable.
PromptTemplate load_prompt(const RunConfig& config);

// `extra` header lines plus the Authorization header when there is a token.
HeaderList auth_headers(const std::optional<Token>& token, std::vector<std::string> extra = {});

// --cache, else the response store in synthgen_cache_dir(); empty with --no-cache.
std::string response_store_path(const RunConfig& config);

// Now, as ISO 8601 UTC to the second (2026-12-01T09:30:00Z): the provenance's `created`.
std::string utc_timestamp();

// The provenance of a run's outputs: the config with the time, the data's and the prompt's checksums.
Provenance run_provenance(const RunConfig& config, const std::string& source, const std::string& data_sha256, const PromptTemplate& prompt);

// $XDG_CACHE_HOME/synthgen, else ~/.cache/synthgen: the response store and the download cache.
std::string synthgen_cache_dir();

}  // namespace synthgen
