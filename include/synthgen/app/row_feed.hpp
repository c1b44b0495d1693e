// Step 1 of a run: the rows to label, in row order, from a local file, the dataset viewer, or (for
// Financial PhraseBank, which the viewer refuses) the Hub's zip file, with the seeded sample taken
// as they come. Viewer pages stream in through the run's own HTTP pool, a few pages ahead of the
// votes, so a split of any size is labeled in the same memory. Says on stderr which source it used.
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "synthgen/app/retry_queue.hpp"
#include "synthgen/core/random.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/io/dataset_cache.hpp"
#include "synthgen/io/dataset_source.hpp"
#include "synthgen/io/viewer_pages.hpp"

namespace synthgen {

class RowFeed {
 public:
  // Reads what a run needs before its first vote: the first viewer page (labels, row count), or a
  // whole zip, local file or download-cache entry. Throws RunError (input, auth or service) when
  // no source gives the rows. Rows read from the Hub are kept in the download cache under
  // `cache_dir`; with --offline (HF_HUB_OFFLINE) they come from there, with no network call.
  static RowFeed open(const RunConfig& config, HttpPool& pool, const HeaderList& hub_headers, const std::string& cache_dir);

  [[nodiscard]] const LabelSet& labels() const { return labels_; }
  [[nodiscard]] const std::string& description() const { return description_; }
  [[nodiscard]] std::size_t size() const { return selection_.size(); }  // rows this run labels
  [[nodiscard]] const RowSelection& selection() const { return selection_; }
  // SHA-256 of the data's bytes when read whole from a local file or the zip; else empty.
  [[nodiscard]] const std::string& data_sha256() const { return data_sha256_; }
  // With --test-size: whether the row (by its index in the source) is in the held-out test split.
  [[nodiscard]] bool in_test(std::size_t index) const { return std::binary_search(test_rows_.begin(), test_rows_.end(), index); }

  // A page to ask for now, or nothing.
  std::optional<HttpRequest> next_fetch(std::size_t max_pages_ahead);
  [[nodiscard]] static bool is_fetch(const HttpRequest& request) { return ViewerPages::is_page(request); }
  // A page's answer. A passing failure (as a vote's: core/retry.hpp) is queued in `retries` to be
  // asked again; throws RunError otherwise, or when its retries are used up.
  void take_fetch(const HttpRequest& request, HttpResponse&& response, RetryQueue& retries);

  // The next row in row order, or nothing until its page is here (or every row is out).
  std::optional<Row> next_row();
  [[nodiscard]] bool finished() const { return handed_ == size(); }
  // After the last row: keeps the rows read from the Hub in the download cache.
  void keep_in_cache();

 private:
  RowFeed() = default;
  void start(const RunConfig& config);
  void hand_out(Row& row);
  void relabel_sample(Dataset& whole, const LabelSet& source_labels, std::size_t first, std::size_t last);
  void choose_test_split(const RunConfig& config, Dataset& whole);
  void read_whole_sample(HttpPool& pool, const RunConfig& config);

  LabelSet labels_;
  std::optional<LabelSet> relabel_to_;  // --labels with another order or names than the source's
  std::string description_;
  RowSelection selection_;
  std::size_t handed_ = 0;
  std::variant<Dataset, ViewerPages> source_;  // a source read whole, or the viewer's pages
  std::optional<DatasetCacheWriter> cache_;
  std::string data_sha256_;
  std::vector<std::size_t> test_rows_;  // increasing row indices; empty without --test-size
};

// Every row of the feed through `each`, pages fetched through `pool` (for `synthgen plan`), failed
// pages retried as in a run.
void for_each_row(RowFeed& feed, HttpPool& pool, const RunConfig& config, const std::function<void(const Row&)>& each);

}  // namespace synthgen
