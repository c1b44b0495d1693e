// The import: each line parsed (core/batch_line), matched to an exported request by its custom_id,
// judged as a live answer (app/vote_outcome) and stored.
#include "synthgen/app/batch_import.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <variant>

#include "synthgen/app/steps.hpp"
#include "synthgen/app/vote_outcome.hpp"
#include "synthgen/core/batch_line.hpp"
#include "synthgen/core/text.hpp"
#include "synthgen/io/batch_ledger.hpp"
#include "synthgen/io/response_store.hpp"

namespace synthgen {
namespace {

// The line's answer, or why it brought none: the engine's error code, else the judged failure's kind.
std::expected<InferenceAnswer, std::string> answer_of(const BatchResultLine& line, const InferenceApi& api) {
  if (line.status == 0) return std::unexpected(line.error);  // expired, cancelled, timed out: never answered
  if (line.status < 200 || line.status >= 300) return std::unexpected("http_" + std::to_string(line.status));
  HttpResponse response;
  response.status = line.status;
  response.body = line.body;
  auto outcome = judge_vote_response(api, response);
  if (auto* answered = std::get_if<Answered>(&outcome)) return std::move(answered->answer);
  if (const auto* retry = std::get_if<RetryLater>(&outcome)) return std::unexpected(retry->kind);
  if (const auto* failed = std::get_if<FailedForGood>(&outcome)) return std::unexpected(failed->kind);
  return std::unexpected("http_" + std::to_string(line.status));
}

}  // namespace

std::size_t ImportCounts::failed_total() const {
  std::size_t total = 0;
  for (const auto& [kind, n] : failed) total += n;
  return total;
}

ImportCounts& ImportCounts::operator+=(const ImportCounts& other) {
  lines += other.lines;
  imported += other.imported;
  already_stored += other.already_stored;
  unknown += other.unknown;
  for (const auto& [kind, n] : other.failed) failed[kind] += n;
  malformed += other.malformed;
  if (first_malformed.empty()) first_malformed = other.first_malformed;
  tokens.prompt += other.tokens.prompt;
  tokens.completion += other.tokens.completion;
  return *this;
}

ImportCounts import_batch_results(std::istream& in, const std::string& name, const InferenceApi& api, ResponseStore& store,
                                  BatchLedger& ledger) {
  ImportCounts counts;
  std::string text;
  std::size_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (trim(text).empty()) continue;
    ++counts.lines;
    auto line = parse_batch_result_line(text);
    if (!line) {
      if (++counts.malformed == 1) counts.first_malformed = fmt::format("{}:{}: {}", name, number, line.error());
      continue;
    }
    const auto key = key_of_custom_id(line->custom_id);
    if (!key || !ledger.exported(*key)) {
      ++counts.unknown;
      spdlog::debug("{}:{}: custom_id {} was not exported from this store", name, number, excerpt(line->custom_id, 90));
      continue;
    }
    if (store.find(*key)) {
      ++counts.already_stored;
      continue;
    }
    const auto answer = answer_of(*line, api);
    if (!answer) {
      ++counts.failed[answer.error()];
      spdlog::debug("{}:{}: {} failed: {}", name, number, line->custom_id, answer.error());
      continue;
    }
    counts.tokens.prompt += answer->usage.prompt;
    counts.tokens.completion += answer->usage.completion;
    store.add(*key, *answer);
    ++counts.imported;
  }
  return counts;
}

std::string format_import_counts(const ImportCounts& c) {
  auto out = fmt::format("imported {}, already stored {}, failed {}, unknown {} (of {} lines)\n", c.imported, c.already_stored,
                         c.failed_total(), c.unknown, c.lines);
  for (const auto& [kind, n] : c.failed) out += fmt::format("  failed {:<20} {}\n", kind, n);
  if (c.malformed > 0) out += fmt::format("  malformed lines        {} (first: {})\n", c.malformed, c.first_malformed);
  if (c.imported > 0)
    out += fmt::format("tokens of the answers imported: {} prompt, {} completion\n", c.tokens.prompt, c.tokens.completion);
  return out;
}

ExitCode run_batch_import(const RunConfig& config, const std::vector<std::string>& files) {
  if (config.api == ApiKind::tgi || !config.use_cache) {
    throw RunError(ExitCode::usage, config.use_cache ? "--api tgi has no batch format: import answers to --api openai requests"
                                                     : "batch import writes the response store: drop --no-cache");
  }
  std::vector<std::ifstream> inputs;
  for (const auto& file : files) {
    inputs.emplace_back(file, std::ios::binary);
    if (!inputs.back()) throw RunError(ExitCode::input, "cannot read " + file + ": " + std::strerror(errno) + "; check the path");
  }
  const auto path = response_store_path(config);
  auto store = ResponseStore::open(path);
  if (!store) throw RunError(ExitCode::output, store.error());
  auto ledger = BatchLedger::open(path);
  if (!ledger) throw RunError(ExitCode::output, ledger.error());
  const auto api = make_inference_api(config.api, config.endpoint);
  ImportCounts total;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto counts = import_batch_results(inputs[i], files[i], *api, **store, **ledger);
    if (inputs[i].bad()) throw RunError(ExitCode::input, "cannot read " + files[i] + ": " + std::strerror(errno));
    total += counts;
  }
  if (auto flushed = (*store)->flush(); !flushed) throw RunError(ExitCode::output, "cannot write the response store: " + flushed.error());
  std::fputs(format_import_counts(total).c_str(), stdout);
  if (total.unknown > 0)
    spdlog::warn(
        "warning: {} lines have custom_ids this store ({}) never exported: another run's file, or another --cache? They were "
        "ignored",
        total.unknown, path);
  if (total.failed_total() > 0) spdlog::info("the {} failed requests will be in the next `synthgen batch export`", total.failed_total());
  if (total.malformed > 0) {
    throw RunError(ExitCode::input, fmt::format("{} ({} malformed line{} in all; the other lines were imported)", total.first_malformed,
                                                total.malformed, total.malformed == 1 ? "" : "s"));
  }
  return ExitCode::ok;
}

}  // namespace synthgen
