// /rows pages as a stream: which pages to ask for, and the rows handed out in order.
#include "synthgen/io/viewer_pages.hpp"

#include "synthgen/io/rows_page.hpp"

namespace synthgen {
namespace {

constexpr std::size_t page_length = 100;
constexpr std::uint64_t page_tag = std::uint64_t{1} << 63;  // apart from every vote's tag

std::string rows_url(const ViewerQuery& q, std::size_t offset) {
  return q.server + "/rows?dataset=" + url_escape(q.dataset) + "&config=" + url_escape(q.config) + "&split=" + url_escape(q.split) +
         "&offset=" + std::to_string(offset) + "&length=" + std::to_string(page_length);
}

std::expected<Page, SourceError> page_from(const HttpResponse& response, const ViewerQuery& query) {
  if (!response.ok()) return std::unexpected(http_failure(response, "the dataset viewer"));
  auto page = parse_rows_page(response.body, query.columns, query.labels);
  if (!page) return std::unexpected(SourceError{FailureKind::input, page.error(), response.status});
  return std::move(*page);
}

}  // namespace

ViewerPages::ViewerPages(ViewerQuery query, HeaderList headers, std::size_t total, LabelSet labels, std::vector<Row> first_rows)
    : query_(std::move(query)),
      headers_(std::move(headers)),
      total_(total),
      labels_(std::move(labels)),
      description_("the dataset viewer (" + query_.dataset + ", " + query_.config + "/" + query_.split + ")") {
  arrived_[0] = std::move(first_rows);
  select({total_, {}});
}

std::expected<ViewerPages, SourceError> ViewerPages::open(HttpPool& pool, ViewerQuery query, HeaderList headers) {
  HttpRequest first;
  first.url = rows_url(query, 0);
  first.headers = headers;
  auto page = page_from(pool.fetch(std::move(first)), query);
  if (!page) return std::unexpected(page.error());
  return ViewerPages(std::move(query), std::move(headers), page->total, std::move(page->layout.labels), std::move(page->rows));
}

void ViewerPages::select(RowSelection selection) {
  selection_ = std::move(selection);
  asked_ = 0;
  while (asked_ < selection_.size() && page_of(selection_.at(asked_)) == 0) ++asked_;  // the first page is here
  if (asked_ == 0) arrived_.erase(0);
}

std::size_t ViewerPages::page_of(std::size_t row) const { return row / page_length * page_length; }

HttpRequest ViewerPages::page_request(std::size_t offset) const {
  HttpRequest request;
  request.tag = page_tag | offset;
  request.url = rows_url(query_, offset);
  request.headers = headers_;
  return request;
}

std::optional<HttpRequest> ViewerPages::next_fetch(std::size_t max_pages_ahead) {
  if (asked_ >= selection_.size() || in_flight_ + arrived_.size() >= max_pages_ahead) return std::nullopt;
  const auto page = page_of(selection_.at(asked_));
  while (asked_ < selection_.size() && page_of(selection_.at(asked_)) == page) ++asked_;
  ++in_flight_;
  return page_request(page);
}

HttpRequest ViewerPages::fetch_again(const HttpRequest& failed) const { return page_request(failed.tag & ~page_tag); }

bool ViewerPages::is_page(const HttpRequest& request) { return (request.tag & page_tag) != 0; }

std::expected<void, SourceError> ViewerPages::take(const HttpRequest& request, const HttpResponse& response) {
  auto page = page_from(response, query_);
  if (!page) return std::unexpected(page.error());
  --in_flight_;
  arrived_[request.tag & ~page_tag] = std::move(page->rows);
  return {};
}

std::expected<std::optional<Row>, SourceError> ViewerPages::next_row() {
  if (finished()) return std::nullopt;
  const auto wanted = selection_.at(handed_);
  const auto page = page_of(wanted);
  const auto it = arrived_.find(page);
  if (it == arrived_.end()) return std::nullopt;
  if (wanted - page >= it->second.size()) {
    return std::unexpected(SourceError{FailureKind::service, "the dataset viewer's page at offset " + std::to_string(page) + " has " +
                                                                 std::to_string(it->second.size()) + " rows, so row " +
                                                                 std::to_string(wanted) + " is missing although num_rows_total is " +
                                                                 std::to_string(total_)});
  }
  auto row = std::move(it->second[wanted - page]);
  ++handed_;
  if (finished() || page_of(selection_.at(handed_)) != page) arrived_.erase(it);
  return row;
}

}  // namespace synthgen
