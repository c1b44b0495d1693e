// Parsers that turn dataset text into rows: the PhraseBank `sentence@label` files, local JSONL and
// local CSV. Each names the line of the first problem it meets.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "synthgen/core/labels.hpp"

namespace synthgen {

// A local file's format: from its extension (.jsonl, .json, .csv), or as --input-format says.
enum class InputFormat { by_extension, jsonl, csv };

struct ColumnNames {
  std::string text = "sentence";
  std::string label = "label";
  bool label_optional = false;  // unlabeled data (--labels given): a missing label column means no gold
};

// ISO-8859-1 text, one `sentence@label` per line, split on the last '@'; CRLF or LF.
std::expected<std::vector<Row>, std::string> parse_phrasebank_text(std::string_view latin1, const LabelSet& labels);

// One JSON object per line; the label cell is a label name or an index into `labels`.
std::expected<std::vector<Row>, std::string> parse_jsonl_rows(std::string_view text, const ColumnNames& columns, const LabelSet& labels);

// A header line naming the columns, then one row per record.
std::expected<std::vector<Row>, std::string> parse_csv_rows(std::string_view text, const ColumnNames& columns, const LabelSet& labels);

}  // namespace synthgen
