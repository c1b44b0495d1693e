// The dataset viewer's /rows pages of one split, read as a stream: the first page alone (it tells
// the labels and the row count), then only the pages that hold rows the run labels, a few at a
// time through the caller's HTTP pool, handed out row by row in row order as they arrive. Memory
// holds the pages in flight and waiting, never the split. A server may answer with fewer rows than
// asked (its own page size, a short page): the rest of that page is asked for again from where the
// answer stopped, so every page size gives the same rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <expected>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "synthgen/core/random.hpp"
#include "synthgen/io/dataset_source.hpp"

namespace synthgen {

class ViewerPages {
 public:
  // Reads the first page (through `pool.fetch`).
  static std::expected<ViewerPages, SourceError> open(HttpPool& pool, ViewerQuery query, HeaderList headers);
  // The stream from the first page's answer (what open() does once it is fetched).
  static std::expected<ViewerPages, SourceError> from_first_page(ViewerQuery query, HeaderList headers, const HttpResponse& first);

  [[nodiscard]] const LabelSet& labels() const { return labels_; }
  [[nodiscard]] std::size_t total() const { return total_; }  // rows in the split
  [[nodiscard]] const std::string& description() const { return description_; }

  // The rows to hand out (every row until this is called).
  void select(RowSelection selection);

  // The next page to ask for, unless every page is asked for or `max_pages_ahead` pages are
  // already in flight or waiting to be handed out.
  std::optional<HttpRequest> next_fetch(std::size_t max_pages_ahead);
  // The same page's request again, after a passing failure.
  [[nodiscard]] HttpRequest fetch_again(const HttpRequest& failed) const;
  [[nodiscard]] static bool is_page(const HttpRequest& request);

  // A page's answer: its rows wait for their turn. A failed or malformed page is an error, and
  // the page counts as in flight until it is taken or given up.
  std::expected<void, SourceError> take(const HttpRequest& request, const HttpResponse& response);

  // The next selected row in row order, once its page is here; an error when the page lacks it.
  std::expected<std::optional<Row>, SourceError> next_row();
  [[nodiscard]] bool finished() const { return handed_ == selection_.size(); }

 private:
  ViewerPages(ViewerQuery query, HeaderList headers, std::size_t total, LabelSet labels, std::vector<Row> first_rows);
  [[nodiscard]] static std::size_t page_of(std::size_t row);
  [[nodiscard]] HttpRequest page_request(std::size_t offset) const;
  // Keeps a page's rows in [offset, end of its page); asks again for the part a short page lacks.
  std::expected<void, SourceError> accept(std::size_t offset, std::vector<Row> rows);
  [[nodiscard]] std::size_t page_end(std::size_t offset) const;
  [[nodiscard]] bool selected_in(std::size_t from, std::size_t to) const;
  [[nodiscard]] bool coming(std::size_t row) const;  // a request that can still bring this row is out

  ViewerQuery query_;
  HeaderList headers_;
  std::size_t total_ = 0;
  LabelSet labels_;
  std::string description_;
  RowSelection selection_;
  std::vector<Row> first_rows_;                      // page 0 as open() read it
  std::optional<SourceError> first_page_error_;      // what is wrong with page 0, if anything
  std::map<std::size_t, std::vector<Row>> arrived_;  // by the offset each answer starts at
  std::set<std::size_t> pending_;                    // offsets asked for, not yet taken
  std::deque<std::size_t> rest_of_page_;             // offsets to ask for after a short answer
  std::size_t asked_ = 0;                            // selected rows whose page has been asked for (or is here)
  std::size_t handed_ = 0;                           // selected rows handed out
};

}  // namespace synthgen
