// RFC 4180 CSV: quoting for the training file and a reader for local input files.
#pragma once

#include <cstddef>
#include <expected>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace synthgen {

// Appends one record ended by "\n"; a field is quoted when it holds a comma, a quote, CR or LF.
void append_csv_record(std::string& out, std::initializer_list<std::string_view> fields);

struct CsvRecord {
  std::size_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// Every record of `text` (CRLF or LF); an error names the line of a broken quote.
std::expected<std::vector<CsvRecord>, std::string> parse_csv(std::string_view text);

}  // namespace synthgen
