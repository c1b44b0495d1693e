// Steps shared by the labeling run and `synthgen plan`: the prompt, the auth header, the cache dir.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "synthgen/core/prompt.hpp"
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

// $XDG_CACHE_HOME/synthgen, else ~/.cache/synthgen: the response store and the download cache.
std::string synthgen_cache_dir();

}  // namespace synthgen
