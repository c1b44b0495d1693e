// Fuzzes parse_rows_page: one /rows page of the dataset viewer.
#include "fuzz_support.hpp"
#include "synthgen/io/rows_page.hpp"

using namespace synthgen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto page = parse_rows_page(fuzz::as_text(data, size), ColumnNames{});
  if (!page) return 0;
  for (const auto& row : page->rows) {
    fuzz::require(!row.gold || (*row.gold >= 0 && static_cast<std::size_t>(*row.gold) < page->layout.labels.size()),
                  "a row's gold label is outside the page's label set");
  }
  return 0;
}
