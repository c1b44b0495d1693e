// .env parsing: one assignment per line; '#' starts a comment outside quotes; single quotes are
// literal, double quotes understand \n and \", unquoted values end at " #". A leading byte order
// mark is skipped; bytes that are not UTF-8 are an error naming the line.
#include "synthgen/core/dotenv.hpp"

#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

std::string unquote(std::string_view value) {
  const char quote = value.front();
  const auto close = value.find(quote, 1);
  const auto inner = value.substr(1, close == std::string_view::npos ? value.npos : close - 1);
  if (quote == '\'') return std::string(inner);
  std::string out;
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 1 < inner.size()) {
      const char next = inner[++i];
      out += next == 'n' ? '\n' : next;
    } else {
      out += inner[i];
    }
  }
  return out;
}

std::string plain_value(std::string_view value) {
  const auto comment = value.find(" #");
  return std::string(trim(value.substr(0, comment)));
}

}  // namespace

std::expected<DotenvEntries, std::string> parse_dotenv(std::string_view bytes) {
  // A byte order mark (Windows editors write one) would otherwise hide the first key.
  const auto text = utf8_text(bytes);
  if (!text) return std::unexpected(text.error());
  DotenvEntries entries;
  for (auto line : split_lines(*text)) {
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line = trim(line.substr(7));
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const auto key = trim(line.substr(0, eq));
    const auto value = trim(line.substr(eq + 1));
    if (key.empty()) continue;
    const bool quoted = !value.empty() && (value.front() == '"' || value.front() == '\'');
    entries.emplace_back(std::string(key), quoted ? unquote(value) : plain_value(value));
  }
  return entries;
}

}  // namespace synthgen
