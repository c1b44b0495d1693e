// Local input files: .jsonl (one object per line) or .csv (a header, then rows).
#include <fstream>
#include <sstream>

#include "synthgen/io/dataset_source.hpp"
#include "synthgen/io/files.hpp"

namespace synthgen {

std::expected<Dataset, SourceError> load_local_file(const std::string& path, const ColumnNames& columns, const LabelSet& labels) {
  const bool jsonl = path.ends_with(".jsonl") || path.ends_with(".json");
  const bool csv = path.ends_with(".csv");
  if (!jsonl && !csv) return std::unexpected(SourceError{FailureKind::input, "--input " + path + ": give a .jsonl or .csv file", 0});
  auto text = read_file(path);
  if (!text) return std::unexpected(SourceError{FailureKind::input, "--input " + path + ": " + text.error(), 0});
  auto rows = jsonl ? parse_jsonl_rows(*text, columns, labels) : parse_csv_rows(*text, columns, labels);
  if (!rows) return std::unexpected(SourceError{FailureKind::input, path + ": " + rows.error(), 0});
  const auto total = rows->size();
  return Dataset{labels, std::move(*rows), "the local file " + path, total};
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
