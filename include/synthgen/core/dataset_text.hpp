// Parsers that turn dataset text into rows: the PhraseBank `sentence@label` files, local JSONL and
// local CSV. Each names the line of the first problem it meets. JSONL and CSV must be UTF-8 (a
// leading byte order mark is skipped).
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
  // --labels given: a number in the label column is a label name ("1" of 1,2,3), never an index;
  // an index is read only into a ClassLabel's names (or the default negative/neutral/positive).
  bool numbers_are_names = false;
};

// ISO-8859-1 text, one `sentence@label` per line, split on the last '@'; CRLF or LF.
std::expected<std::vector<Row>, std::string> parse_phrasebank_text(std::string_view latin1, const LabelSet& labels);

// One JSON object per line; the label cell is a label name or (unless columns.numbers_are_names)
// an index into `labels`.
std::expected<std::vector<Row>, std::string> parse_jsonl_rows(std::string_view text, const ColumnNames& columns, const LabelSet& labels);

// A header line naming the columns, then one row per record; a label cell is a name, or (unless
// columns.numbers_are_names) a whole-number index into `labels`.
std::expected<std::vector<Row>, std::string> parse_csv_rows(std::string_view text, const ColumnNames& columns, const LabelSet& labels);

}  // namespace synthgen
