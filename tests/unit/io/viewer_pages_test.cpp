// ViewerPages against a simulated viewer: whatever page size the server uses, short pages, a last
// page that is short and samples that skip pages, the rows handed out are exactly the selected
// ones in row order, and a server that leaves a row out is an error, never a silent gap.
#include "synthgen/io/viewer_pages.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "synthgen/core/random.hpp"

namespace synthgen {
namespace {

const std::string features = R"([{"feature_idx":0,"name":"sentence","type":{"dtype":"string","_type":"Value"}},)"
                             R"({"feature_idx":1,"name":"label","type":{"names":["negative","neutral","positive"],"_type":"ClassLabel"}}])";

std::size_t query_number(const std::string& url, const std::string& name) {
  const auto at = url.find("&" + name + "=");
  return std::stoul(url.substr(at + name.size() + 2));
}

// A viewer over `total` rows that answers at most `page_size` rows, skipping `skipped` row(s).
struct SimulatedViewer {
  std::size_t total;
  std::size_t page_size;
  std::size_t skipped = static_cast<std::size_t>(-1);
  std::size_t requests = 0;

  HttpResponse answer(const std::string& url) {
    ++requests;
    const auto offset = query_number(url, "offset");
    const auto length = query_number(url, "length");
    EXPECT_LE(length, 100u) << url;
    std::string rows;
    for (std::size_t i = offset; i < std::min({total, offset + length, offset + page_size}); ++i) {
      if (i == skipped) continue;
      rows += std::string(rows.empty() ? "" : ",") + R"({"row_idx":)" + std::to_string(i) + R"(,"row":{"sentence":"row )" +
              std::to_string(i) + R"(","label":)" + std::to_string(i % 3) + R"(},"truncated_cells":[]})";
    }
    HttpResponse r;
    r.status = 200;
    r.body = R"({"features":)" + features + R"(,"rows":[)" + rows + R"(],"num_rows_total":)" + std::to_string(total) +
             R"(,"num_rows_per_page":)" + std::to_string(page_size) + R"(,"partial":false})";
    return r;
  }
};

const ViewerQuery query{"http://viewer", "acme/data", "default", "train", {}, std::nullopt};

// Drives the stream as the vote collector does: a few pages ahead, answered out of order.
std::expected<std::vector<std::size_t>, SourceError> read_all(SimulatedViewer& viewer, const RowSelection& selection) {
  auto pages = ViewerPages::from_first_page(query, {}, viewer.answer("http://viewer/rows?x=1&offset=0&length=100"));
  if (!pages) return std::unexpected(pages.error());
  pages->select(selection);
  std::vector<std::size_t> handed;
  std::deque<HttpRequest> in_flight;
  for (int guard = 0; guard < 100000; ++guard) {
    for (;;) {
      auto row = pages->next_row();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      handed.push_back((*row)->index);
    }
    if (pages->finished()) return handed;
    while (auto request = pages->next_fetch(4)) in_flight.push_back(std::move(*request));
    if (in_flight.empty()) return handed;        // stuck: nothing asked for and rows missing
    auto request = std::move(in_flight.back());  // the newest first: answers arrive out of order
    in_flight.pop_back();
    if (auto taken = pages->take(request, viewer.answer(request.url)); !taken) return std::unexpected(taken.error());
  }
  ADD_FAILURE() << "no end";
  return handed;
}

std::vector<std::size_t> indices(const RowSelection& s) {
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < s.size(); ++k) out.push_back(s.at(k));
  return out;
}

TEST(ViewerPages, EveryPageSizeGivesTheSameRows) {
  for (const std::size_t total : {1u, 7u, 99u, 100u, 101u, 250u, 1001u}) {
    for (const std::size_t page_size : {1u, 3u, 37u, 50u, 99u, 100u}) {
      for (const std::size_t n_sample : {0u, 1u, 5u, 60u}) {
        SimulatedViewer viewer{total, page_size};
        const auto selection = select_rows(total, n_sample, total * 31 + page_size);
        const auto handed = read_all(viewer, selection);
        ASSERT_TRUE(handed.has_value()) << handed.error().message << " total " << total << " page size " << page_size;
        EXPECT_EQ(*handed, indices(selection)) << "total " << total << " page size " << page_size << " sample " << n_sample;
      }
    }
  }
}

TEST(ViewerPages, ShortPagesAreCompletedWithoutOverlap) {
  SimulatedViewer viewer{250, 30};
  const auto handed = read_all(viewer, select_rows(250, 0, 1));
  ASSERT_TRUE(handed.has_value()) << handed.error().message;
  EXPECT_EQ(handed->size(), 250u);
  // Pages of 100 in answers of at most 30: 4 answers each for the first two, 2 for the last 50.
  EXPECT_EQ(viewer.requests, 10u);
}

TEST(ViewerPages, AOnlyRowOnAShortRestIsNotAskedFor) {
  SimulatedViewer viewer{100, 40};
  RowSelection only_early{100, {3, 17}};
  const auto handed = read_all(viewer, only_early);
  ASSERT_TRUE(handed.has_value()) << handed.error().message;
  EXPECT_EQ(*handed, (std::vector<std::size_t>{3, 17}));
  EXPECT_EQ(viewer.requests, 1u);  // rows 40..99 are not needed
}

TEST(ViewerPages, ARowTheServerLeavesOutIsAnError) {
  SimulatedViewer viewer{300, 100, 150};
  const auto handed = read_all(viewer, select_rows(300, 0, 1));
  ASSERT_FALSE(handed.has_value());
  EXPECT_NE(handed.error().message.find("row 151 where row 150 was due"), std::string::npos) << handed.error().message;
}

TEST(ViewerPages, AnEmptyAnswerBeforeTheEndIsAnError) {
  SimulatedViewer viewer{300, 100};
  auto pages = ViewerPages::from_first_page(query, {}, viewer.answer("http://viewer/rows?x=1&offset=0&length=100"));
  ASSERT_TRUE(pages.has_value());
  pages->select(select_rows(300, 0, 1));
  std::optional<HttpRequest> request;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(pages->next_row().has_value());
  }
  request = pages->next_fetch(4);
  ASSERT_TRUE(request.has_value());
  SimulatedViewer empty{100, 100};  // says 100 rows in all: nothing at offset 100
  auto answer = empty.answer(request->url);
  const auto taken = pages->take(*request, answer);
  ASSERT_FALSE(taken.has_value());
  EXPECT_NE(taken.error().message.find("with no rows"), std::string::npos) << taken.error().message;
}

}  // namespace
}  // namespace synthgen
