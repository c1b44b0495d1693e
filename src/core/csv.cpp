// CSV writer and reader, both following RFC 4180's quoting rules.
#include "synthgen/core/csv.hpp"

namespace synthgen {
namespace {

bool needs_quotes(std::string_view field) { return field.find_first_of(",\"\r\n") != std::string_view::npos; }

void append_field(std::string& out, std::string_view field) {
  if (!needs_quotes(field)) {
    out += field;
    return;
  }
  out += '"';
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// Reads one record starting at `pos`; advances `pos` and `line` past it.
std::expected<std::vector<std::string>, std::string> read_record(std::string_view text, std::size_t& pos, std::size_t& line) {
  std::vector<std::string> fields(1);
  const auto start_line = line;
  bool in_quotes = false;
  bool was_quoted = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (in_quotes) {
      if (c == '"' && pos < text.size() && text[pos] == '"') {
        fields.back() += '"';
        ++pos;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        if (c == '\n') ++line;
        fields.back() += c;
      }
      continue;
    }
    if (c == ',') {
      fields.emplace_back();
      was_quoted = false;
    } else if (c == '\n') {
      ++line;
      break;
    } else if (c == '\r') {
      continue;
    } else if (c == '"' && fields.back().empty() && !was_quoted) {
      in_quotes = was_quoted = true;
    } else if (was_quoted) {
      return std::unexpected("line " + std::to_string(start_line) + ": text after a closing quote");
    } else {
      fields.back() += c;
    }
  }
  if (in_quotes) return std::unexpected("line " + std::to_string(start_line) + ": a quote is opened and never closed");
  return fields;
}

}  // namespace

void append_csv_record(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (const auto field : fields) {
    if (!first) out += ',';
    first = false;
    append_field(out, field);
  }
  out += '\n';
}

std::expected<std::vector<CsvRecord>, std::string> parse_csv(std::string_view text) {
  std::vector<CsvRecord> records;
  std::size_t pos = 0;
  std::size_t line = 1;
  while (pos < text.size()) {
    const auto start = line;
    auto fields = read_record(text, pos, line);
    if (!fields) return std::unexpected(fields.error());
    const bool blank = fields->size() == 1 && fields->front().empty();
    if (!blank) records.push_back({start, std::move(*fields)});
  }
  return records;
}

}  // namespace synthgen
