// Row parsers for the PhraseBank text format, JSONL and CSV.
#include "synthgen/core/dataset_text.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "synthgen/core/csv.hpp"
#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

std::string at_line(std::size_t line, std::string_view what) { return "line " + std::to_string(line) + ": " + std::string(what); }

std::expected<LabelId, std::string> label_from_name(std::string_view name, const LabelSet& labels) {
  if (auto id = labels.find(trim(name))) return *id;
  return std::unexpected("label '" + excerpt(name, 40) + "' is not one of " + labels.joined());
}

// With --labels every label is a name, a number too ("1" of --labels 1,2,3); without, the labels
// are negative/neutral/positive and a whole number is an index into them, as a ClassLabel export has.
std::expected<LabelId, std::string> label_from_number(std::string_view shown, long long index, const LabelSet& labels,
                                                      bool numbers_are_names) {
  if (numbers_are_names) {
    if (auto id = labels.find(shown)) return *id;
    return std::unexpected("label " + std::string(shown) + " is not one of " + labels.joined() +
                           " (with --labels a number is a label name, not an index)");
  }
  if (index >= 0 && static_cast<std::size_t>(index) < labels.size()) return static_cast<LabelId>(index);
  return std::unexpected("label index " + std::to_string(index) + " is outside 0.." + std::to_string(labels.size() - 1) + " (" +
                         labels.joined() + ")");
}

std::expected<LabelId, std::string> label_from_json(const nlohmann::json& cell, const LabelSet& labels, bool numbers_are_names) {
  if (cell.is_string()) return label_from_name(cell.get_ref<const std::string&>(), labels);
  if (cell.is_number()) {
    if (!numbers_are_names && !cell.is_number_integer())
      return std::unexpected("label " + cell.dump() + " is neither a name nor a whole-number index");
    return label_from_number(cell.dump(), cell.is_number_integer() ? cell.get<long long>() : 0, labels, numbers_are_names);
  }
  return std::unexpected("label is neither a name nor an index");
}

// A CSV cell is text: a name first; failing that, without --labels, a whole number is an index.
std::expected<LabelId, std::string> label_from_cell(std::string_view cell, const LabelSet& labels, bool numbers_are_names) {
  auto name = label_from_name(cell, labels);
  if (name) return name;
  const auto trimmed = trim(cell);
  long long index = 0;
  const auto [end, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), index);
  if (trimmed.empty() || ec != std::errc{} || end != trimmed.data() + trimmed.size()) return name;
  return label_from_number(trimmed, index, labels, numbers_are_names);
}

std::string column_list(const nlohmann::json& object) {
  std::string names;
  for (const auto& item : object.items()) names += (names.empty() ? "" : ", ") + item.key();
  return names;
}

std::expected<Row, std::string> row_from_object(const nlohmann::json& object, std::size_t index, const ColumnNames& columns,
                                                const LabelSet& labels) {
  const auto text = object.find(columns.text);
  if (text == object.end() || !text->is_string()) {
    return std::unexpected("no text column '" + columns.text + "' (columns: " + column_list(object) + "); set --text-column");
  }
  const auto label = object.find(columns.label);
  if (label == object.end() && columns.label_optional) return Row{index, text->get<std::string>(), std::nullopt};
  if (label == object.end()) {
    return std::unexpected("no label column '" + columns.label + "' (columns: " + column_list(object) +
                           "); set --label-column, or --labels for unlabeled data");
  }
  auto id = label_from_json(*label, labels, columns.numbers_are_names);
  if (!id) return std::unexpected(id.error());
  return Row{index, text->get<std::string>(), *id};
}

std::size_t column_index(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (trim(header[i]) == name) return i;
  }
  return header.size();
}

}  // namespace

std::expected<std::vector<Row>, std::string> parse_phrasebank_text(std::string_view latin1, const LabelSet& labels) {
  std::vector<Row> rows;
  std::size_t line_number = 0;
  for (const auto line : split_lines(latin1)) {
    ++line_number;
    if (trim(line).empty()) continue;
    const auto at = line.rfind('@');
    if (at == std::string_view::npos) return std::unexpected(at_line(line_number, "no '@' between sentence and label"));
    auto label = label_from_name(line.substr(at + 1), labels);
    if (!label) return std::unexpected(at_line(line_number, label.error()));
    rows.push_back({rows.size(), latin1_to_utf8(line.substr(0, at)), *label});
  }
  return rows;
}

std::expected<std::vector<Row>, std::string> parse_jsonl_rows(std::string_view bytes, const ColumnNames& columns, const LabelSet& labels) {
  const auto text = utf8_text(bytes);
  if (!text) return std::unexpected(text.error());
  std::vector<Row> rows;
  std::size_t line_number = 0;
  for (const auto line : split_lines(*text)) {
    ++line_number;
    if (trim(line).empty()) continue;
    const auto object = nlohmann::json::parse(line, nullptr, false);
    if (!object.is_object()) return std::unexpected(at_line(line_number, "not a JSON object"));
    auto row = row_from_object(object, rows.size(), columns, labels);
    if (!row) return std::unexpected(at_line(line_number, row.error()));
    rows.push_back(std::move(*row));
  }
  return rows;
}

std::expected<std::vector<Row>, std::string> parse_csv_rows(std::string_view bytes, const ColumnNames& columns, const LabelSet& labels) {
  const auto text = utf8_text(bytes);
  if (!text) return std::unexpected(text.error());
  auto records = parse_csv(*text);
  if (!records) return std::unexpected(records.error());
  if (records->empty()) return std::vector<Row>{};
  const auto& header = records->front().fields;
  const auto text_col = column_index(header, columns.text);
  const auto label_col = column_index(header, columns.label);
  std::string names;
  for (const auto& h : header) names += (names.empty() ? "" : ", ") + h;
  if (text_col == header.size())
    return std::unexpected("line 1: no text column '" + columns.text + "' (columns: " + names + "); set --text-column");
  const bool has_label = label_col < header.size();
  if (!has_label && !columns.label_optional) {
    return std::unexpected("line 1: no label column '" + columns.label + "' (columns: " + names +
                           "); set --label-column, or --labels for unlabeled data");
  }

  std::vector<Row> rows;
  for (std::size_t r = 1; r < records->size(); ++r) {
    const auto& record = (*records)[r];
    if (record.fields.size() != header.size()) {
      return std::unexpected(
          at_line(record.line, std::to_string(record.fields.size()) + " fields where the header has " + std::to_string(header.size())));
    }
    if (!has_label) {
      rows.push_back({rows.size(), record.fields[text_col], std::nullopt});
      continue;
    }
    auto label = label_from_cell(record.fields[label_col], labels, columns.numbers_are_names);
    if (!label) return std::unexpected(at_line(record.line, label.error()));
    rows.push_back({rows.size(), record.fields[text_col], *label});
  }
  return rows;
}

}  // namespace synthgen
