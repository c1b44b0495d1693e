// /rows pages as a stream: which pages to ask for, the rest of a short page, and the rows handed
// out in order.
#include "synthgen/io/viewer_pages.hpp"

#include <algorithm>

#include "synthgen/io/rows_page.hpp"

namespace synthgen {
namespace {

constexpr std::size_t page_length = 100;
constexpr std::uint64_t page_tag = std::uint64_t{1} << 63;  // apart from every vote's tag

// Asks for the rows from `offset` to the end of its page of 100, so answers never overlap.
std::string rows_url(const ViewerQuery& q, std::size_t offset) {
  const auto length = page_length - offset % page_length;
  return q.server + "/rows?dataset=" + url_escape(q.dataset) + "&config=" + url_escape(q.config) + "&split=" + url_escape(q.split) +
         "&offset=" + std::to_string(offset) + "&length=" + std::to_string(length);
}

std::expected<Page, SourceError> page_from(const HttpResponse& response, const ViewerQuery& query) {
  if (!response.ok()) return std::unexpected(http_failure(response, "the dataset viewer"));
  auto page = parse_rows_page(response.body, query.columns, query.labels);
  if (!page) return std::unexpected(SourceError{FailureKind::input, page.error(), response.status});
  return std::move(*page);
}

SourceError viewer_fault(const std::string& what) { return SourceError{FailureKind::service, "the dataset viewer " + what}; }

}  // namespace

ViewerPages::ViewerPages(ViewerQuery query, HeaderList headers, std::size_t total, LabelSet labels, std::vector<Row> first_rows)
    : query_(std::move(query)),
      headers_(std::move(headers)),
      total_(total),
      labels_(std::move(labels)),
      description_("the dataset viewer (" + query_.dataset + ", " + query_.config + "/" + query_.split + ")"),
      first_rows_(std::move(first_rows)) {
  select({total_, {}});
}

std::expected<ViewerPages, SourceError> ViewerPages::open(HttpPool& pool, ViewerQuery query, HeaderList headers) {
  HttpRequest first;
  first.url = rows_url(query, 0);
  first.headers = headers;
  return from_first_page(std::move(query), std::move(headers), pool.fetch(std::move(first)));
}

std::expected<ViewerPages, SourceError> ViewerPages::from_first_page(ViewerQuery query, HeaderList headers, const HttpResponse& first) {
  auto page = page_from(first, query);
  if (!page) return std::unexpected(page.error());
  return ViewerPages(std::move(query), std::move(headers), page->total, std::move(page->layout.labels), std::move(page->rows));
}

void ViewerPages::select(RowSelection selection) {
  selection_ = std::move(selection);
  arrived_.clear();
  rest_of_page_.clear();
  asked_ = 0;
  while (asked_ < selection_.size() && page_of(selection_.at(asked_)) == 0) ++asked_;  // the first page is here
  first_page_error_.reset();
  if (asked_ == 0) return;
  if (auto accepted = accept(0, first_rows_); !accepted) first_page_error_ = std::move(accepted.error());
}

std::size_t ViewerPages::page_of(std::size_t row) { return row / page_length * page_length; }

std::size_t ViewerPages::page_end(std::size_t offset) const { return std::min(page_of(offset) + page_length, total_); }

bool ViewerPages::selected_in(std::size_t from, std::size_t to) const { return selection_.any_in(from, to); }

HttpRequest ViewerPages::page_request(std::size_t offset) const {
  HttpRequest request;
  request.tag = page_tag | offset;
  request.url = rows_url(query_, offset);
  request.headers = headers_;
  return request;
}

std::optional<HttpRequest> ViewerPages::next_fetch(std::size_t max_pages_ahead) {
  if (!rest_of_page_.empty()) {  // completes a page already counted ahead: never held back
    const auto offset = rest_of_page_.front();
    rest_of_page_.pop_front();
    pending_.insert(offset);
    return page_request(offset);
  }
  if (asked_ >= selection_.size() || pending_.size() + arrived_.size() >= max_pages_ahead) return std::nullopt;
  const auto page = page_of(selection_.at(asked_));
  while (asked_ < selection_.size() && page_of(selection_.at(asked_)) == page) ++asked_;
  pending_.insert(page);
  return page_request(page);
}

HttpRequest ViewerPages::fetch_again(const HttpRequest& failed) const { return page_request(failed.tag & ~page_tag); }

bool ViewerPages::is_page(const HttpRequest& request) { return (request.tag & page_tag) != 0; }

std::expected<void, SourceError> ViewerPages::take(const HttpRequest& request, const HttpResponse& response) {
  auto page = page_from(response, query_);
  if (!page) return std::unexpected(page.error());
  const auto offset = static_cast<std::size_t>(request.tag & ~page_tag);
  pending_.erase(offset);
  return accept(offset, std::move(page->rows));
}

std::expected<void, SourceError> ViewerPages::accept(std::size_t offset, std::vector<Row> rows) {
  const auto end = page_end(offset);
  std::size_t kept = 0;
  while (kept < rows.size() && offset + kept < end && rows[kept].index == offset + kept) ++kept;
  if (kept < rows.size() && offset + kept < end) {
    return std::unexpected(viewer_fault("answered offset " + std::to_string(offset) + " with row " + std::to_string(rows[kept].index) +
                                        " where row " + std::to_string(offset + kept) + " was due"));
  }
  rows.resize(kept);  // rows past the page are asked for with their own page
  if (kept == 0 && offset < end) {
    return std::unexpected(
        viewer_fault("answered offset " + std::to_string(offset) + " with no rows although num_rows_total is " + std::to_string(total_)));
  }
  if (offset + kept < end && selected_in(offset + kept, end)) rest_of_page_.push_back(offset + kept);
  if (selected_in(offset, offset + kept)) arrived_[offset] = std::move(rows);
  return {};
}

bool ViewerPages::coming(std::size_t row) const {
  if (handed_ >= asked_) return true;  // its page is not asked for yet
  const auto before = [row](std::size_t offset) { return offset <= row; };
  return (!pending_.empty() && before(*pending_.begin())) || std::any_of(rest_of_page_.begin(), rest_of_page_.end(), before);
}

std::expected<std::optional<Row>, SourceError> ViewerPages::next_row() {
  if (first_page_error_) return std::unexpected(*first_page_error_);
  if (finished()) return std::nullopt;
  const auto wanted = selection_.at(handed_);
  auto it = arrived_.upper_bound(wanted);
  if (it == arrived_.begin() || wanted >= std::prev(it)->first + std::prev(it)->second.size()) {
    if (coming(wanted)) return std::nullopt;
    return std::unexpected(
        viewer_fault("never sent row " + std::to_string(wanted) + " although num_rows_total is " + std::to_string(total_)));
  }
  --it;
  auto row = std::move(it->second[wanted - it->first]);
  ++handed_;
  if (finished() || selection_.at(handed_) >= it->first + it->second.size()) arrived_.erase(it);
  return row;
}

}  // namespace synthgen
