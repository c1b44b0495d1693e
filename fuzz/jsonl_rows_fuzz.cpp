// Fuzzes parse_jsonl_rows: a local .jsonl input file, one JSON object per line.
#include "fuzz_support.hpp"
#include "synthgen/core/dataset_text.hpp"

using namespace synthgen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto labels = sentiment_labels();
  const auto rows = parse_jsonl_rows(fuzz::as_text(data, size), ColumnNames{}, labels);
  if (!rows) {
    fuzz::require(rows.error().starts_with("line "), "a JSONL error does not name its line");
    return 0;
  }
  for (const auto& row : *rows) {
    fuzz::require(row.gold && *row.gold >= 0 && static_cast<std::size_t>(*row.gold) < labels.size(), "bad gold label");
  }
  return 0;
}
