// Fuzzes the CSV reader (parse_csv, parse_csv_rows) and checks that what it reads, written back
// with append_csv_record, reads again as the same fields.
#include "fuzz_support.hpp"
#include "synthgen/core/csv.hpp"
#include "synthgen/core/dataset_text.hpp"

using namespace synthgen;

namespace {

// append_csv_record takes an initializer list; a record of any width is written field by field.
std::string write_record(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string one;
    append_csv_record(one, {fields[i]});
    one.pop_back();  // the "\n" that ends the one-field record
    out += (i == 0 ? "" : ",") + one;
  }
  return out + "\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  static const auto labels = sentiment_labels();
  (void)parse_csv_rows(text, ColumnNames{"text", "label"}, labels);
  const auto records = parse_csv(text);
  if (!records) return 0;
  std::string written;
  for (const auto& record : *records) written += write_record(record.fields);
  const auto again = parse_csv(written);
  fuzz::require(again.has_value(), "a written CSV does not parse");
  fuzz::require(again->size() == records->size(), "a written CSV reads as another number of records");
  for (std::size_t i = 0; i < records->size(); ++i) {
    fuzz::require((*again)[i].fields == (*records)[i].fields, "a written CSV record reads as other fields");
  }
  return 0;
}
