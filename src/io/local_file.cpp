// Local input files: .jsonl (one object per line) or .csv (a header, then rows), or standard input.
#include <fstream>
#include <sstream>

#include "synthgen/io/dataset_source.hpp"
#include "synthgen/io/digest.hpp"
#include "synthgen/io/files.hpp"

namespace synthgen {

std::expected<Dataset, SourceError> load_local_file(const std::string& path, InputFormat format, const ColumnNames& columns,
                                                    const LabelSet& labels) {
  const bool from_stdin = path == standard_stream;
  const auto name = from_stdin ? std::string("standard input") : path;
  const auto fail = [&](const std::string& why) { return std::unexpected(SourceError{FailureKind::input, why, 0}); };
  if (format == InputFormat::by_extension) {
    if (path.ends_with(".jsonl") || path.ends_with(".json")) format = InputFormat::jsonl;
    if (path.ends_with(".csv")) format = InputFormat::csv;
  }
  if (format == InputFormat::by_extension)
    return fail("--input " + path + ": give a .jsonl or .csv file, or say --input-format jsonl or csv");
  auto text = from_stdin ? read_standard_input() : read_file(path);
  if (!text) return fail(from_stdin ? text.error() : "--input " + path + ": " + text.error());
  auto rows = format == InputFormat::jsonl ? parse_jsonl_rows(*text, columns, labels) : parse_csv_rows(*text, columns, labels);
  if (!rows) return fail(name + ": " + rows.error());
  const auto total = rows->size();
  return Dataset{labels, std::move(*rows), from_stdin ? name : "the local file " + path, total, sha256_hex(*text)};
}

std::expected<void, std::string> relabel(Row& row, const LabelSet& source, const LabelSet& target) {
  if (!row.gold) return {};
  const auto& name = source.name(*row.gold);
  const auto id = target.find(name);
  if (!id) return std::unexpected("row " + std::to_string(row.index) + ": label '" + name + "' is not one of --labels " + target.joined());
  row.gold = id;
  return {};
}

}  // namespace synthgen
