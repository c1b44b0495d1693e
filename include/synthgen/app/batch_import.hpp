// `synthgen batch import FILE...`: a batch engine's output and error files into the response store.
// Lines in any order, keyed on custom_id alone; an answer is judged and stored exactly as a live
// answer would be, so the labels are the same. Importing a file twice changes nothing.
#pragma once

#include <istream>
#include <map>
#include <string>
#include <vector>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/io/inference_api.hpp"

namespace synthgen {

class BatchLedger;
class ResponseStore;

struct ImportCounts {
  std::size_t lines = 0;
  std::size_t imported = 0;
  std::size_t already_stored = 0;
  std::size_t unknown = 0;                    // custom_ids this store never exported (another run's file)
  std::map<std::string, std::size_t> failed;  // by kind: batch_expired, http_400, bad_body, ...: asked again by the next export
  std::size_t malformed = 0;                  // lines that are no batch result at all
  std::string first_malformed;                // "FILE:LINE: what", for the error
  TokenUsage tokens;                          // of the answers imported
  [[nodiscard]] std::size_t failed_total() const;
  ImportCounts& operator+=(const ImportCounts& other);
};

// Reads one file's lines (`name` is for messages) into the store.
ImportCounts import_batch_results(std::istream& in, const std::string& name, const InferenceApi& api, ResponseStore& store,
                                  BatchLedger& ledger);

// "imported 4528, already stored 0, failed 0, unknown 0" and the failures by kind.
std::string format_import_counts(const ImportCounts& counts);

// Imports the files; a malformed line is an input error (exit 3) naming file and line, after the
// good lines are stored.
ExitCode run_batch_import(const RunConfig& config, const std::vector<std::string>& files);

}  // namespace synthgen
