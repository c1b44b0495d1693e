// How a run's labels were made: the program, the time, the data, the model and its parameters,
// the prompt and the voting. Written as `provenance` in the metrics JSON and as the HTML report's
// header block (not in --details, which stays one object per row). Pure: the caller passes the
// time and the checksums in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "synthgen/core/run_config.hpp"

namespace synthgen {

struct Provenance {
  std::string synthgen_version;
  std::string created;      // ISO 8601 UTC, e.g. 2026-12-01T09:30:00Z
  std::string dataset;      // the Hub dataset id, or the --input file
  std::string config;       // the subset; empty for a local file
  std::string split;        // empty for a local file
  std::string source;       // where the rows were read from, as the report says it
  std::string data_sha256;  // of the local file or the zip's bytes; empty when not read whole (viewer pages, download cache)
  std::string model;
  std::string endpoint;  // redacted: no URL password; a pool's URLs comma-separated
  std::string api;
  std::string prompt;  // the built-in name or the --prompt-file path
  std::string prompt_sha256;
  double temperature = 0;
  double top_p = 0;
  int max_tokens = 0;
  int votes = 0;
  bool early_stop = false;
  std::uint64_t seed = 0;
  std::size_t n_sample = 0;
  std::string test_size;  // "0": no test split
  std::string parser;
  [[nodiscard]] bool empty() const { return synthgen_version.empty(); }
};

// What the caller knows that the config does not.
struct ProvenanceFacts {
  std::string synthgen_version;
  std::string created;
  std::string source;
  std::string data_sha256;
  std::string prompt_sha256;
};

Provenance make_provenance(const RunConfig& config, const ProvenanceFacts& facts);

// The `provenance` object (empty strings as null, data_sha256 left out when unknown), and back
// (for a shard's part: the merge writes the shards' provenance).
nlohmann::ordered_json provenance_json(const Provenance& p);
Provenance provenance_from_json(const nlohmann::json& j);

}  // namespace synthgen
