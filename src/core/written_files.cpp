// The record of the files a command wrote, and the closing line that names them.
#include "synthgen/core/written_files.hpp"

#include <algorithm>

namespace synthgen {
namespace {

bool needs_quotes(const std::string& path) {
  return path.empty() || std::ranges::any_of(path, [](char c) {
           return c == ',' || c == ' ' || c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
         });
}

std::string shown(const std::string& path) {
  if (!needs_quotes(path)) return path;
  std::string out = "\"";
  for (const char c : path) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      constexpr const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      out += hex[static_cast<unsigned char>(c) & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

void WrittenFiles::add(const std::string& path) {
  if (std::ranges::find(paths_, path) == paths_.end()) paths_.push_back(path);
}

std::string written_files_line(std::span<const std::string> paths) {
  if (paths.empty()) return {};
  std::string line = "wrote ";
  for (std::size_t i = 0; i < paths.size(); ++i) line += (i == 0 ? "" : ", ") + shown(paths[i]);
  return line;
}

}  // namespace synthgen
