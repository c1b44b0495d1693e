// Submit, status and collect: the export and the import joined to io/batch_api through the ledger.
#include "synthgen/app/batch_remote.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "synthgen/app/batch_export.hpp"
#include "synthgen/app/batch_import.hpp"
#include "synthgen/app/steps.hpp"
#include "synthgen/io/batch_api.hpp"
#include "synthgen/io/batch_ledger.hpp"
#include "synthgen/io/interrupt.hpp"
#include "synthgen/io/response_store.hpp"
#include "synthgen/io/status_line.hpp"

namespace synthgen {
namespace {

// A private directory for the parts and the downloads, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    auto pattern = (std::filesystem::temp_directory_path() / "synthgen-batch-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw RunError(ExitCode::output, "cannot make a temporary directory in " + std::filesystem::temp_directory_path().string());
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

BatchApi batch_api(const RunConfig& config, const std::optional<Token>& token) {
  if (config.offline) throw RunError(ExitCode::usage, "HF_HUB_OFFLINE (--offline) forbids the network, and the Batch API is on it");
  BatchApiOptions options;
  options.endpoint = config.endpoint;
  while (options.endpoint.ends_with('/')) options.endpoint.pop_back();
  if (token) options.header_lines.push_back("Authorization: Bearer " + token->value);
  options.connect_timeout_ms = config.connect_timeout_ms;
  options.timeout_ms = config.timeout_ms;
  options.ca_bundle = config.ca_bundle;
  options.max_retries = config.max_retries;
  options.max_retry_wait = std::chrono::milliseconds(config.max_retry_wait_ms);
  return BatchApi(std::move(options));
}

[[noreturn]] void fail(const BatchApiError& error, const std::string& doing) {
  if (error.kind == "interrupted") throw RunError(ExitCode::interrupted, "interrupted while " + doing);
  const auto code = error.auth ? ExitCode::auth : error.kind == "file" ? ExitCode::output : ExitCode::service;
  throw RunError(code, doing + ": " + error.message);
}

struct Ledgered {
  std::unique_ptr<ResponseStore> store;
  std::unique_ptr<BatchLedger> ledger;
};

Ledgered open_ledgered(const RunConfig& config) {
  check_batchable(config);
  auto store = ResponseStore::open(response_store_path(config));
  if (!store) throw RunError(ExitCode::output, store.error());
  auto ledger = BatchLedger::open((*store)->path());
  if (!ledger) throw RunError(ExitCode::output, ledger.error());
  return {std::move(*store), std::move(*ledger)};
}

template <typename T>
T checked(std::expected<T, std::string> value) {
  if (!value) throw RunError(ExitCode::output, value.error());
  return std::move(*value);
}

void checked(const std::expected<void, std::string>& done) {
  if (!done) throw RunError(ExitCode::output, done.error());
}

// What the batch's metadata says of the run, for someone looking at the dashboard.
std::vector<std::pair<std::string, std::string>> run_metadata(const RunConfig& config, std::size_t part, std::size_t parts) {
  const auto source = config.input_file.empty() ? config.dataset + "/" + config.subset + "/" + config.split : config.input_file;
  return {{"created_by", "synthgen " SYNTHGEN_VERSION},
          {"source", source},
          {"sample", fmt::format("n_sample={} seed={} votes={}", config.n_sample, config.seed, config.votes)},
          {"model", config.generation.model},
          {"part", fmt::format("{} of {}", part, parts)}};
}

std::string counts_of(const BatchInfo& info) { return fmt::format("{} done, {} failed of {}", info.completed, info.failed, info.total); }

// Downloads one of the batch's files and imports it; nothing when the batch has none.
ImportCounts import_file(BatchApi& api, const std::optional<std::string>& file_id, const std::string& what, const ScratchDir& scratch,
                         const InferenceApi& inference, Ledgered& l) {
  if (!file_id || file_id->empty()) return {};
  const auto path = scratch.file(*file_id + ".jsonl");
  if (auto done = api.download(*file_id, path); !done) fail(done.error(), "downloading the " + what + " file " + *file_id);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RunError(ExitCode::output, "cannot read the downloaded " + path);
  return import_batch_results(in, *file_id, inference, *l.store, *l.ledger);
}

// The batches still running after a look, and their requests as the service counts them.
struct OpenBatches {
  std::size_t batches = 0;
  std::size_t done = 0;
  std::size_t failed = 0;
  std::size_t total = 0;
};

// One look at every open batch; each that has ended is collected. Returns those still open.
OpenBatches collect_ended(BatchApi& api, Ledgered& l, const InferenceApi& inference, ImportCounts& total, bool quiet_when_running) {
  const ScratchDir scratch;
  OpenBatches open;
  for (const auto& batch : checked(l.ledger->batches(true))) {
    auto info = api.get(batch.id);
    if (!info) fail(info.error(), "asking for batch " + batch.id);
    if (!batch_has_ended(info->status)) {
      ++open.batches;
      open.done += info->completed;
      open.failed += info->failed;
      open.total += info->total;
      checked(l.ledger->update_batch(batch.id, info->status_text, false));
      if (!quiet_when_running) spdlog::info("{}: {} ({})", batch.id, info->status_text, counts_of(*info));
      continue;
    }
    for (const auto& error : info->errors) {
      spdlog::warn("warning: batch {} {}: {}{}: {}", batch.id, info->status_text, error.code,
                   error.line ? fmt::format(" at line {}", *error.line) : std::string(), error.message);
    }
    auto counts = import_file(api, info->output_file_id, "output", scratch, inference, l);
    counts += import_file(api, info->error_file_id, "error", scratch, inference, l);
    if (auto flushed = l.store->flush(); !flushed) throw RunError(ExitCode::output, "cannot write the response store: " + flushed.error());
    checked(l.ledger->update_batch(batch.id, info->status_text, true));
    if (info->status == BatchStatus::failed) counts.failed["batch_failed"] += batch.requests;  // none was run
    std::printf("collected %s (%s, %s): imported %zu, failed %zu\n", batch.id.c_str(), info->status_text.c_str(), counts_of(*info).c_str(),
                counts.imported, counts.failed_total());
    total += counts;
  }
  return open;
}

// `collect --wait` between two looks: on a terminal a status line, redrawn at each look and erased
// before the next look prints; in a pipe or a log an info line at each look.
void show_waiting(const OpenBatches& open, long interval_ms) {
  const auto line = fmt::format("waiting for {} batch{}: {} of {} requests done, {} failed; next look in {:g} s", open.batches,
                                open.batches == 1 ? "" : "es", open.done, open.total, open.failed, static_cast<double>(interval_ms) / 1000);
  auto& status = stderr_status_line();
  if (status.terminal()) {
    status.show(line);
  } else {
    spdlog::info("{}", line);
  }
}

// Sleeps until the next look, or returns false when Ctrl-C or SIGTERM came.
bool wait_for_next_look(const StopSignal& stop, long interval_ms) {
  pollfd fd{stop.fd, POLLIN, 0};
  ::poll(&fd, stop.fd >= 0 ? 1 : 0, static_cast<int>(interval_ms));
  return !(stop.requested && stop.requested());
}

}  // namespace

ExitCode run_batch_submit(const RunConfig& config, const RunTokens& tokens) {
  auto api = batch_api(config, tokens.first());
  const ScratchDir scratch;
  WrittenFiles scratch_files;  // uploaded, then removed with the scratch folder: not files the user keeps
  const auto exported = export_requests(config, tokens, scratch.file("requests.jsonl"), true, scratch_files);
  if (exported.parts.empty()) {
    if (exported.held > 0) {
      std::printf("nothing to submit: the %zu requests left are in batches not collected yet (synthgen batch collect)\n", exported.held);
    } else {
      std::printf("nothing to submit: every answer is in the store; run the same flags without `batch` to write the labels\n");
    }
    return ExitCode::ok;
  }
  auto l = open_ledgered(config);
  std::size_t number = 0;
  for (const auto& part : exported.parts) {
    ++number;
    const auto name = std::filesystem::path(part.path).filename().string();
    auto file_id = api.upload(part.path);
    if (!file_id) {
      auto error = file_id.error();
      if (error.status == 400 || error.status == 413) error.message += "; smaller parts (--batch-max-bytes, --batch-max-requests) may pass";
      fail(error, fmt::format("part {} of {}", number, exported.parts.size()));
    }
    auto batch = api.create(*file_id, run_metadata(config, number, exported.parts.size()));
    if (!batch) fail(batch.error(), "creating the batch of " + name + " (" + *file_id + ")");
    // Recorded at once: from here the batch is paid for, and no later submit may ask for its requests.
    checked(l.ledger->add_batch({batch->id, *file_id, name, part.requests, batch->status_text, false}));
    checked(l.ledger->record_exported(part.keys, batch->id));
    std::printf("submitted %s: %zu requests (%s, %s)\n", batch->id.c_str(), part.requests, file_id->c_str(), batch->status_text.c_str());
  }
  if (exported.held > 0) std::printf("%zu more requests are in batches submitted before\n", exported.held);
  std::printf("next: synthgen batch collect --wait with the same flags, then the run itself\n");
  return ExitCode::ok;
}

ExitCode run_batch_status(const RunConfig& config, const std::optional<Token>& token) {
  auto api = batch_api(config, token);
  auto l = open_ledgered(config);
  const auto batches = checked(l.ledger->batches(false));
  if (batches.empty()) {
    std::printf("no batch was submitted from %s\n", l.store->path().c_str());
    return ExitCode::ok;
  }
  for (const auto& batch : batches) {
    if (batch.collected) {
      std::printf("%s  %-11s collected   %zu requests  %s\n", batch.id.c_str(), batch.status.c_str(), batch.requests, batch.part.c_str());
      continue;
    }
    auto info = api.get(batch.id);
    if (!info) fail(info.error(), "asking for batch " + batch.id);
    checked(l.ledger->update_batch(batch.id, info->status_text, false));
    std::printf("%s  %-11s %s  %s\n", batch.id.c_str(), info->status_text.c_str(), counts_of(*info).c_str(), batch.part.c_str());
  }
  return ExitCode::ok;
}

ExitCode run_batch_collect(const RunConfig& config, const std::optional<Token>& token) {
  auto api = batch_api(config, token);
  auto l = open_ledgered(config);
  const auto inference = make_inference_api(config.api, config.endpoint);
  const auto stop = install_interrupt_handlers();
  if (checked(l.ledger->batches(false)).empty()) {
    std::printf("no batch was submitted from %s: `synthgen batch submit` first\n", l.store->path().c_str());
    return ExitCode::ok;
  }
  ImportCounts total;
  auto open = collect_ended(api, l, *inference, total, false);
  while (open.batches > 0 && config.wait) {
    show_waiting(open, config.poll_interval_ms);
    const bool go_on = wait_for_next_look(stop, config.poll_interval_ms);
    stderr_status_line().forget();
    if (!go_on)
      throw RunError(ExitCode::interrupted, fmt::format("interrupted while waiting for {} batches; collect again later", open.batches));
    open = collect_ended(api, l, *inference, total, config.log_level != "debug");
  }
  std::fputs(format_import_counts(total).c_str(), stdout);
  if (total.failed_total() > 0) std::printf("the %zu failed requests go into the next `synthgen batch submit`\n", total.failed_total());
  if (total.malformed > 0)
    spdlog::warn("warning: {} lines of the batches' files were not batch results (first: {}); their requests go into the next submit",
                 total.malformed, total.first_malformed);
  if (open.batches > 0) {
    std::printf("%zu batches are still running: collect again later, or with --wait\n", open.batches);
  } else {
    std::printf("every batch is collected: `synthgen batch submit` again for what is left, or run the same flags to write the labels\n");
  }
  return ExitCode::ok;
}

}  // namespace synthgen
