// Source selection and fallback: --input, else the viewer, else (PhraseBank only) the Hub zip.
#include "synthgen/app/load_rows.hpp"

#include <spdlog/spdlog.h>

#include "synthgen/app/run_error.hpp"
#include "synthgen/io/dataset_cache.hpp"

namespace synthgen {
namespace {

ExitCode exit_code_of(FailureKind kind) {
  switch (kind) {
    case FailureKind::input: return ExitCode::input;
    case FailureKind::auth: return ExitCode::auth;
    case FailureKind::service: return ExitCode::service;
  }
  return ExitCode::internal;
}

[[noreturn]] void fail(const SourceError& error, const std::string& advice = {}) {
  throw RunError(exit_code_of(error.kind), error.message + (advice.empty() ? "" : "; " + advice));
}

std::string auth_advice() { return "check HF_TOKEN (a private or gated dataset needs a token with access)"; }

std::optional<LabelSet> chosen_labels(const RunConfig& c) {
  if (c.labels.empty()) return std::nullopt;
  return LabelSet{c.labels};
}

ViewerQuery viewer_query(const RunConfig& c) { return {c.datasets_server, c.dataset, c.subset, c.split, c.columns, chosen_labels(c)}; }

// A 404 from /rows: say which configs and splits do exist.
[[noreturn]] void fail_not_found(const SourceError& error, const RunConfig& c, HttpPool& pool, const HeaderList& headers) {
  const auto listed = list_viewer_splits(pool, viewer_query(c), headers);
  if (!listed)
    fail(SourceError{FailureKind::input, "dataset '" + c.dataset + "' was not found: " + listed.error().message},
         "check --dataset (a private dataset needs HF_TOKEN)");
  fail(SourceError{FailureKind::input,
                   "dataset '" + c.dataset + "' has no config/split '" + c.subset + "/" + c.split + "' (" + error.message + ")"},
       "valid ones: " + (listed->empty() ? std::string("none listed") : *listed) + "; set --subset and --split");
}

Dataset load_phrasebank(const RunConfig& c, HttpPool& pool, const HeaderList& headers) {
  const auto subsets = phrasebank_subsets();
  if (std::find(subsets.begin(), subsets.end(), c.subset) == subsets.end()) {
    std::string valid;
    for (const auto& s : subsets) valid += (valid.empty() ? "" : ", ") + s;
    throw RunError(ExitCode::input, "Financial PhraseBank has no subset '" + c.subset + "'; valid subsets: " + valid);
  }
  auto from_viewer = load_viewer_rows(pool, viewer_query(c), headers);
  if (from_viewer) return std::move(*from_viewer);
  if (from_viewer.error().kind == FailureKind::auth) fail(from_viewer.error(), auth_advice());
  spdlog::info("{}; reading the Hub file FinancialPhraseBank-v1.0.zip instead", from_viewer.error().message);
  auto from_zip = load_phrasebank_zip(pool, c.hub_endpoint, c.subset, headers);
  if (!from_zip) fail(from_zip.error(), from_zip.error().kind == FailureKind::auth ? auth_advice() : "check --hub-endpoint");
  return std::move(*from_zip);
}

Dataset load_hub_dataset(const RunConfig& c, HttpPool& pool, const HeaderList& headers) {
  auto rows = load_viewer_rows(pool, viewer_query(c), headers);
  if (rows) return std::move(*rows);
  if (rows.error().status == 404) fail_not_found(rows.error(), c, pool, headers);
  fail(rows.error(), rows.error().kind == FailureKind::auth ? auth_advice() : std::string{});
}

}  // namespace

Dataset load_rows(const RunConfig& config, HttpPool& pool, const HeaderList& hub_headers, const std::string& cache_dir) {
  Dataset dataset;
  const auto cached = dataset_cache_path(cache_dir, config);
  if (!config.input_file.empty()) {
    auto local = load_local_file(config.input_file, config.columns, chosen_labels(config).value_or(sentiment_labels()));
    if (!local) fail(local.error());
    dataset = std::move(*local);
  } else if (config.offline) {
    auto from_cache = load_cached_dataset(cached);
    if (!from_cache) {
      throw RunError(ExitCode::input, "HF_HUB_OFFLINE is set and the rows of " + config.dataset + " (" + config.subset + "/" +
                                          config.split + ") are not in the download cache (" + cached + "): run once online first");
    }
    dataset = std::move(*from_cache);
  } else {
    dataset = is_phrasebank(config.dataset) ? load_phrasebank(config, pool, hub_headers) : load_hub_dataset(config, pool, hub_headers);
    if (auto saved = save_dataset(cached, dataset); !saved) spdlog::warn("warning: the download cache was not written: {}", saved.error());
  }
  if (const auto target = chosen_labels(config); target && dataset.labels.names != target->names) {
    if (auto relabeled = relabel(dataset, *target); !relabeled)
      throw RunError(ExitCode::input, dataset.description + ": " + relabeled.error());
  }
  if (dataset.rows.empty()) throw RunError(ExitCode::input, dataset.description + " has no rows; check the dataset, --subset and --split");
  spdlog::info("read {} rows from {}", dataset.rows.size(), dataset.description);
  return dataset;
}

}  // namespace synthgen
