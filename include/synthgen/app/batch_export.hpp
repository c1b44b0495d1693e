// `synthgen batch export`: the requests the run still needs, as OpenAI batch lines for a batch
// engine (`vllm run-batch`, the OpenAI Batch API). The run is walked as a labeling run walks it:
// answers in the store are taken, and every other vote the schedule asks for is written instead
// of sent; with early stop, a row's further votes wait for the next export, after the import.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/endpoint_tokens.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/secrets.hpp"
#include "synthgen/core/store_key.hpp"
#include "synthgen/core/written_files.hpp"

namespace synthgen {

class BatchLedger;

struct BatchPart {
  std::string path;
  std::size_t requests = 0;
  std::size_t bytes = 0;
  std::vector<StoreKey> keys;  // the requests it holds (kept for `submit` only)
};

struct BatchExport {
  std::vector<BatchPart> parts;  // none when nothing is left to ask
  std::size_t rows = 0;
  std::size_t rows_complete = 0;  // every vote the row needs is in the store
  std::size_t requests = 0;       // written to the parts
  std::size_t held = 0;           // in submitted batches not yet collected: not written again
};

// Writes the parts at `path` (NAME.jsonl, then NAME.2.jsonl, ... by --batch-max-requests and
// --batch-max-bytes) and commits them together; with `for_submit` the parts' keys are kept and the
// requests are not recorded as exported (the submit records them with their batch). Each part
// committed is recorded in `written`.
BatchExport export_requests(const RunConfig& config, const RunTokens& tokens, const std::string& path, bool for_submit,
                            WrittenFiles& written);

ExitCode run_batch_export(const RunConfig& config, const RunTokens& tokens, WrittenFiles& written);

// A usage error for runs batch engines cannot take (--api tgi, --no-cache).
void check_batchable(const RunConfig& config);

}  // namespace synthgen
