// The export: the request loop with a DeferredRequests that writes lines, split into parts.
#include "synthgen/app/batch_export.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include "synthgen/app/collect_votes.hpp"
#include "synthgen/app/row_feed.hpp"
#include "synthgen/app/steps.hpp"
#include "synthgen/core/batch_line.hpp"
#include "synthgen/io/batch_ledger.hpp"
#include "synthgen/io/files.hpp"
#include "synthgen/io/interrupt.hpp"
#include "synthgen/io/response_store.hpp"

namespace synthgen {
namespace {

// Exported keys are recorded in transactions of this many.
constexpr std::size_t record_every = 8192;

// "out/requests.jsonl" part 2 -> "out/requests.2.jsonl".
std::string part_path(const std::string& path, std::size_t number) {
  if (number == 1) return path;
  const std::filesystem::path p(path);
  auto name = p.stem().string() + "." + std::to_string(number) + p.extension().string();
  return (p.parent_path() / name).string();
}

// The lines, part after part; each part an AtomicFile, all committed together at the end.
class BatchRequestFiles final : public DeferredRequests {
 public:
  BatchRequestFiles(const RunConfig& config, std::string path, BatchLedger& ledger, bool for_submit)
      : path_(std::move(path)),
        max_requests_(config.batch_max_requests),
        max_bytes_(config.batch_max_bytes),
        ledger_(ledger),
        for_submit_(for_submit),
        check_held_(has_open_batches(ledger)) {}

  void defer(const Row& row, int vote, const StoreKey& key, const std::string& body) override {
    if (check_held_ && ledger_.held_by_open_batch(key)) {
      ++held_;
      return;
    }
    const auto line = batch_request_line(batch_custom_id(row.index, vote, key), body);
    if (parts_.empty() || full(parts_.back(), line.size())) open_part();
    auto& part = parts_.back();
    files_.back().append(line);
    ++part.requests;
    part.bytes += line.size();
    if (for_submit_) {
      part.keys.push_back(key);
    } else {
      to_record_.push_back(key);
      if (to_record_.size() >= record_every) record();
    }
  }

  // Commits every part, or the one empty file that says nothing is left.
  std::vector<BatchPart> commit(WrittenFiles& written) {
    if (parts_.empty()) open_part();
    record();
    std::vector<AtomicFile*> files;
    files.reserve(files_.size());
    for (auto& f : files_) files.push_back(&f);
    if (auto done = commit_together(files, &written); !done)
      throw RunError(ExitCode::output, "cannot write the batch requests: " + done.error());
    if (parts_.size() == 1 && parts_.front().requests == 0) parts_.clear();
    return std::move(parts_);
  }

  [[nodiscard]] std::size_t held() const { return held_; }

 private:
  static bool has_open_batches(BatchLedger& ledger) {
    const auto open = ledger.batches(true);
    if (!open) throw RunError(ExitCode::output, open.error());
    return !open->empty();
  }

  [[nodiscard]] bool full(const BatchPart& part, std::size_t line_bytes) const {
    if (part.requests == 0) return false;  // a line longer than the limit goes alone
    return (max_requests_ > 0 && part.requests >= max_requests_) || (max_bytes_ > 0 && part.bytes + line_bytes > max_bytes_);
  }

  void open_part() {
    BatchPart part;
    part.path = part_path(path_, parts_.size() + 1);
    auto file = AtomicFile::create(part.path);
    if (!file) throw RunError(ExitCode::output, "cannot write " + part.path + ": " + file.error());
    files_.push_back(std::move(*file));
    parts_.push_back(std::move(part));
  }

  void record() {
    if (to_record_.empty()) return;
    if (auto done = ledger_.record_exported(to_record_); !done) throw RunError(ExitCode::output, done.error());
    to_record_.clear();
  }

  std::string path_;
  std::size_t max_requests_;
  std::size_t max_bytes_;
  BatchLedger& ledger_;
  bool for_submit_;
  bool check_held_;
  std::vector<AtomicFile> files_;
  std::vector<BatchPart> parts_;
  std::vector<StoreKey> to_record_;
  std::size_t held_ = 0;
};

std::unique_ptr<ResponseStore> open_store_for_batch(const RunConfig& config) {
  auto store = ResponseStore::open(response_store_path(config));
  if (!store) throw RunError(ExitCode::output, store.error());
  return std::move(*store);
}

std::unique_ptr<BatchLedger> open_ledger(const ResponseStore& store) {
  auto ledger = BatchLedger::open(store.path());
  if (!ledger) throw RunError(ExitCode::output, ledger.error());
  return std::move(*ledger);
}

std::string megabytes(std::size_t bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6); }

void warn_about_stale_parts(const std::string& path, std::size_t parts) {
  std::error_code ec;
  const auto first = std::max<std::size_t>(parts, 1) + 1;
  auto last = first;
  while (std::filesystem::exists(part_path(path, last), ec)) ++last;
  if (last == first) return;
  const auto named = last - first == 1 ? part_path(path, first) : part_path(path, first) + " to " + part_path(path, last - 1);
  spdlog::warn("warning: {} {} from an earlier export and not part of this one: do not run {} again", named,
               last - first == 1 ? "is" : "are", last - first == 1 ? "it" : "them");
}

}  // namespace

void check_batchable(const RunConfig& config) {
  if (config.api == ApiKind::tgi)
    throw RunError(ExitCode::usage,
                   "--api tgi has no batch format: batch engines (vllm run-batch, the OpenAI Batch API) take OpenAI chat requests; use "
                   "--api openai");
  if (!config.use_cache) throw RunError(ExitCode::usage, "batch engines answer through the response store: drop --no-cache");
}

BatchExport export_requests(const RunConfig& config, const RunTokens& tokens, const std::string& path, bool for_submit,
                            WrittenFiles& written) {
  check_batchable(config);
  const auto prompt_template = load_prompt(config);
  HttpPool pool({config.concurrency, config.connect_timeout_ms, config.timeout_ms, config.ca_bundle});
  const auto store = open_store_for_batch(config);
  const auto ledger = open_ledger(*store);
  auto feed = RowFeed::open(config, pool, auth_headers(tokens.hub), synthgen_cache_dir());  // the rows: the Hub's token
  const auto api = make_inference_api(config.api, config.endpoint);
  const auto prompt = prompt_template.with_labels(feed.labels().names);
  BatchRequestFiles files(config, path, *ledger, for_submit);
  VotingPlan plan{
      feed.labels(),        prompt, *api, config, auth_headers(tokens.first()), store.get(), install_interrupt_handlers(), false,
      ProgressOutput::none, &files, {}};
  BatchExport result;
  const auto votes = collect_votes(plan, feed, pool, [&](const RowVotes& row) {
    ++result.rows;
    if (std::ranges::none_of(row.status, [](VoteStatus s) { return s == VoteStatus::deferred; })) ++result.rows_complete;
  });
  if (votes.interrupted) throw RunError(ExitCode::interrupted, "interrupted; no request file was written");
  feed.keep_in_cache();
  result.held = files.held();
  result.parts = files.commit(written);
  for (const auto& part : result.parts) result.requests += part.requests;
  return result;
}

ExitCode run_batch_export(const RunConfig& config, const RunTokens& tokens, WrittenFiles& written) {
  if (auto ok = check_writable(config.batch_out); !ok)
    throw RunError(ExitCode::output, "cannot write " + output_name(config.batch_out) + ": " + ok.error());
  const auto result = export_requests(config, tokens, config.batch_out, false, written);
  warn_about_stale_parts(config.batch_out, result.parts.size());
  std::string out;
  if (result.parts.empty()) {
    out = result.held > 0 ? fmt::format(
                                "nothing to export: the {} requests left are in batches not collected yet (synthgen batch collect); "
                                "{} is empty\n",
                                result.held, config.batch_out)
                          : fmt::format(
                                "nothing to export: every answer is in the store; {} is empty; run the same flags without "
                                "`batch export` to write the labels\n",
                                config.batch_out);
  } else {
    out = fmt::format("exported {} requests for {} of {} rows in {} part{}:\n", result.requests, result.rows - result.rows_complete,
                      result.rows, result.parts.size(), result.parts.size() == 1 ? "" : "s");
    for (const auto& part : result.parts) out += fmt::format("  {}  {} requests, {}\n", part.path, part.requests, megabytes(part.bytes));
    if (result.held > 0) out += fmt::format("{} more requests are in batches not collected yet\n", result.held);
    out += fmt::format(
        "next: answer each part (vllm run-batch -i {} -o results.jsonl --model {}), then `synthgen batch import` the "
        "results with the same flags, and export again until nothing is left\n",
        result.parts.front().path, config.generation.model);
  }
  std::fputs(out.c_str(), stdout);
  return ExitCode::ok;
}

}  // namespace synthgen
