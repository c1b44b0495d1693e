// Source selection and fallback (--input, else the viewer, else for PhraseBank the Hub zip), the
// sample, relabeling to --labels, and the viewer's pages as they stream in.
#include "synthgen/app/row_feed.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <variant>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/retry.hpp"
#include "synthgen/io/http_date.hpp"

namespace synthgen {
namespace {

using Clock = std::chrono::steady_clock;

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

void check_phrasebank_subset(const RunConfig& c) {
  const auto subsets = phrasebank_subsets();
  if (std::find(subsets.begin(), subsets.end(), c.subset) != subsets.end()) return;
  std::string valid;
  for (const auto& s : subsets) valid += (valid.empty() ? "" : ", ") + s;
  throw RunError(ExitCode::input, "Financial PhraseBank has no subset '" + c.subset + "'; valid subsets: " + valid);
}

// The viewer's pages, or (PhraseBank only, which the viewer refuses) the Hub zip read whole.
std::variant<Dataset, ViewerPages> open_hub(const RunConfig& c, HttpPool& pool, const HeaderList& headers) {
  const bool phrasebank = is_phrasebank(c.dataset);
  if (phrasebank) check_phrasebank_subset(c);
  auto pages = ViewerPages::open(pool, viewer_query(c), headers);
  if (pages) return std::move(*pages);
  if (pages.error().kind == FailureKind::auth) fail(pages.error(), auth_advice());
  if (!phrasebank) {
    if (pages.error().status == 404) fail_not_found(pages.error(), c, pool, headers);
    fail(pages.error());
  }
  spdlog::info("{}; reading the Hub file FinancialPhraseBank-v1.0.zip instead", pages.error().message);
  auto zip = load_phrasebank_zip(pool, c.hub_endpoint, c.subset, headers);
  if (!zip) fail(zip.error(), zip.error().kind == FailureKind::auth ? auth_advice() : "check --hub-endpoint");
  return std::move(*zip);
}

Dataset load_offline(const RunConfig& c, const std::string& cached) {
  auto dataset = load_cached_dataset(cached);
  if (!dataset) {
    throw RunError(ExitCode::input, "HF_HUB_OFFLINE is set and the rows of " + c.dataset + " (" + c.subset + "/" + c.split +
                                        ") are not in the download cache (" + cached + "): run once online first");
  }
  return std::move(*dataset);
}

// The whole sample, whatever shard `selection` is.
RowSelection whole_sample(RowSelection selection) {
  selection.first = 0;
  selection.last = SIZE_MAX;
  return selection;
}

// The row with this index (rows are by increasing index), or null.
Row* find_row(Dataset& dataset, std::size_t index) {
  const auto it =
      std::lower_bound(dataset.rows.begin(), dataset.rows.end(), index, [](const Row& r, std::size_t i) { return r.index < i; });
  return it != dataset.rows.end() && it->index == index ? &*it : nullptr;
}

}  // namespace

RowFeed RowFeed::open(const RunConfig& config, HttpPool& pool, const HeaderList& hub_headers, const std::string& cache_dir) {
  RowFeed feed;
  const auto cached = dataset_cache_path(cache_dir, config);
  if (!config.input_file.empty()) {
    auto local =
        load_local_file(config.input_file, config.input_format, config.columns, chosen_labels(config).value_or(sentiment_labels()));
    if (!local) fail(local.error());
    feed.source_ = std::move(*local);
  } else if (config.offline) {
    feed.source_ = load_offline(config, cached);
  } else {
    feed.source_ = open_hub(config, pool, hub_headers);
    if (const auto* dataset = std::get_if<Dataset>(&feed.source_)) {
      if (auto saved = save_dataset(cached, *dataset); !saved)
        spdlog::warn("warning: the download cache was not written: {}", saved.error());
    } else if (const auto* pages = std::get_if<ViewerPages>(&feed.source_)) {
      auto writer = DatasetCacheWriter::create(cached, pages->labels(), pages->description(), pages->total());
      if (writer) {
        feed.cache_.emplace(std::move(*writer));
      } else {
        spdlog::warn("warning: the download cache was not written: {}", writer.error());
      }
    }
  }
  feed.start(config);
  if (config.test_size.on() && std::holds_alternative<ViewerPages>(feed.source_)) feed.read_whole_sample(pool, config);
  return feed;
}

void RowFeed::start(const RunConfig& config) {
  auto* whole = std::get_if<Dataset>(&source_);
  auto* pages = std::get_if<ViewerPages>(&source_);
  const auto& source_labels = whole != nullptr ? whole->labels : pages->labels();
  description_ = whole != nullptr ? whole->description : pages->description();
  const auto total = whole != nullptr ? whole->total : pages->total();
  labels_ = source_labels;
  if (const auto target = chosen_labels(config); target && target->names != source_labels.names) {
    relabel_to_ = *target;
    labels_ = *target;
  }
  if (total == 0) throw RunError(ExitCode::input, description_ + " has no rows; check the dataset, --subset and --split");
  if (config.n_sample > total)
    spdlog::warn("warning: --n-sample {} is more than the {} rows there are; labeling all of them", config.n_sample, total);
  selection_ = select_rows(total, config.n_sample, config.seed);
  if (!config.shard_text.empty()) {
    const auto range = shard_range(selection_.sample_size(), config.shard);
    selection_.first = range.first;
    selection_.last = range.last;
    spdlog::info("shard {} of {}: rows {} to {} of the sample's {}", config.shard.index, config.shard.count, range.first, range.last,
                 selection_.sample_size());
  }
  if (pages != nullptr) {
    // The split needs every sampled row's gold label before the first row is decided: with
    // --test-size the whole sample's pages are read first (read_whole_sample), a shard's included.
    pages->select(config.test_size.on() ? whole_sample(selection_) : selection_);
    if (!config.test_size.on()) spdlog::info("read {} rows from {} page by page, as the votes need them", total, description_);
    return;
  }
  data_sha256_ = whole->sha256;
  // With a test split, every sampled row (a shard's and the others') is needed for the split.
  if (config.test_size.on()) {
    relabel_sample(*whole, source_labels, 0, selection_.sample_size());
    choose_test_split(config, *whole);
  } else {
    relabel_sample(*whole, source_labels, std::min(selection_.first, selection_.sample_size()),
                   std::min(selection_.last, selection_.sample_size()));
  }
  spdlog::info("read {} rows from {}", whole->rows.size(), description_);
}

// --test-size over the viewer's pages: every sampled row's page is read before the first vote
// (through the run's pool, failed pages retried as in a run) and the sample is kept in memory, as
// with a local file; a shard reads the whole sample too, as its split is the whole sample's.
void RowFeed::read_whole_sample(HttpPool& pool, const RunConfig& config) {
  const auto shard = selection_;
  selection_ = whole_sample(shard);
  const auto& pages = std::get<ViewerPages>(source_);
  Dataset sample{labels_, {}, description_, pages.total(), {}};
  sample.rows.reserve(selection_.sample_size());
  for_each_row(*this, pool, config, [&](const Row& row) { sample.rows.push_back(row); });  // relabeled as handed out
  keep_in_cache();
  spdlog::info("read the {} sampled rows of the {} in {} page by page, before the first vote (--test-size needs their gold labels)",
               sample.rows.size(), sample.total, description_);
  selection_ = shard;
  handed_ = 0;
  source_ = std::move(sample);
  choose_test_split(config, std::get<Dataset>(source_));
}

// Positions [first, last) of the sample: each row there, in the labels of --labels.
void RowFeed::relabel_sample(Dataset& whole, const LabelSet& source_labels, std::size_t first, std::size_t last) {
  for (std::size_t p = first; p < last; ++p) {
    const auto index = selection_.all() ? p : selection_.picked[p];
    auto* row = find_row(whole, index);
    if (row == nullptr) {
      throw RunError(ExitCode::input, description_ + " holds another sample than this run's (row " + std::to_string(index) +
                                          " is missing): run once online with the same --n-sample and --seed");
    }
    if (relabel_to_) {
      if (auto relabeled = relabel(*row, source_labels, *relabel_to_); !relabeled)
        throw RunError(ExitCode::input, description_ + ": " + relabeled.error());
    }
  }
}

// The held-out rows: a pure function of the sampled rows' gold labels and --seed (core/test_split).
void RowFeed::choose_test_split(const RunConfig& config, Dataset& whole) {
  std::vector<GoldRow> gold;
  gold.reserve(selection_.sample_size());
  for (std::size_t p = 0; p < selection_.sample_size(); ++p) {
    const auto* row = find_row(whole, selection_.all() ? p : selection_.picked[p]);
    if (!row->gold)
      throw RunError(ExitCode::usage, "--test-size splits by gold label, and row " + std::to_string(row->index) + " of " + description_ +
                                          " has none: drop --test-size, or give data with a label column");
    gold.push_back({row->index, *row->gold});
  }
  auto test = choose_test_rows(gold, labels_.size(), config.test_size, config.seed);
  if (!test) throw RunError(ExitCode::usage, test.error());
  test_rows_ = std::move(*test);
  spdlog::info("test split: {} of the {} sampled rows held out (--test-size {}), {} to train on", test_rows_.size(), gold.size(),
               config.test_size.text(), gold.size() - test_rows_.size());
}

std::optional<HttpRequest> RowFeed::next_fetch(std::size_t max_pages_ahead) {
  auto* pages = std::get_if<ViewerPages>(&source_);
  if (pages == nullptr) return std::nullopt;
  return pages->next_fetch(max_pages_ahead);
}

void RowFeed::take_fetch(const HttpRequest& request, HttpResponse&& response, RetryQueue& retries) {
  auto& pages = std::get<ViewerPages>(source_);  // only pages are fetched
  const auto taken = pages.take(request, response);
  if (taken) {
    retries.forget(request.tag);
    return;
  }
  const auto& error = taken.error();
  const bool passing = error.kind == FailureKind::service && classify_response(error.status, response.body, false) == Verdict::retry;
  const auto wait = passing ? retries.again(pages.fetch_again(request), response, Clock::now()) : std::nullopt;
  if (!wait) fail(error, error.kind == FailureKind::auth ? auth_advice() : std::string{});
  spdlog::debug("retry of a /rows page in {} ms after: {}", wait->count(), error.message);
}

void RowFeed::hand_out(Row& row) {
  if (cache_) cache_->add(row);
  ++handed_;
}

std::optional<Row> RowFeed::next_row() {
  if (finished()) return std::nullopt;
  if (auto* whole = std::get_if<Dataset>(&source_)) {
    auto* row = find_row(*whole, selection_.at(handed_));  // there and relabeled: checked by start()
    ++handed_;
    return std::move(*row);
  }
  auto& pages = std::get<ViewerPages>(source_);
  auto next = pages.next_row();
  if (!next) fail(next.error());
  std::optional<Row> row = std::move(*next);
  if (!row) return std::nullopt;
  hand_out(*row);
  if (relabel_to_) {
    if (auto relabeled = relabel(*row, pages.labels(), *relabel_to_); !relabeled)
      throw RunError(ExitCode::input, description_ + ": " + relabeled.error());
  }
  return row;
}

void RowFeed::keep_in_cache() {
  if (!cache_ || !finished()) return;
  if (auto kept = cache_->commit(); !kept) spdlog::warn("warning: the download cache was not written: {}", kept.error());
  cache_.reset();
}

void for_each_row(RowFeed& feed, HttpPool& pool, const RunConfig& config, const std::function<void(const Row&)>& each) {
  const auto drain = [&] {
    while (auto row = feed.next_row()) each(*row);
  };
  drain();
  RetryQueue retries(config.max_retries, config.seed, Millis(config.max_retry_wait_ms), seconds_until_http_date);
  pool.run(
      [&]() -> Pulled {
        if (auto retry = retries.ready(Clock::now())) return std::move(*retry);
        if (auto page = feed.next_fetch(4)) return std::move(*page);
        if (auto when = retries.next_ready()) return WaitUntil{*when};
        return Exhausted{};
      },
      [&](const HttpRequest& request, HttpResponse&& response) {
        feed.take_fetch(request, std::move(response), retries);
        drain();
        return Next::proceed;
      });
  drain();
}

}  // namespace synthgen
