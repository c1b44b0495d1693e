// Environment access for the upper layers, so that core stays free of getenv and files.
#include "synthgen/io/environment.hpp"

#include <cstdlib>

#include "synthgen/core/dotenv.hpp"
#include "synthgen/io/files.hpp"

namespace synthgen {

std::expected<std::set<std::string, std::less<>>, std::string> apply_dotenv_file(const std::string& path) {
  std::set<std::string, std::less<>> applied;
  const auto text = read_file(path);
  if (!text) return applied;
  const auto entries = parse_dotenv(*text);
  if (!entries) return std::unexpected(path + ": " + entries.error());
  for (const auto& [key, value] : *entries) {
    if (std::getenv(key.c_str()) != nullptr) continue;
    ::setenv(key.c_str(), value.c_str(), 0);
    applied.insert(key);
  }
  return applied;
}

EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

FileReader disk_reader() {
  return [](const std::string& path) -> std::optional<std::string> {
    auto text = read_file(path);
    if (!text) return std::nullopt;
    return std::move(*text);
  };
}

}  // namespace synthgen
