// Config files with toml++: flat `option = value` pairs, keys as the long flag names.
#include "synthgen/io/config_file.hpp"

#include <toml++/toml.h>

#include <array>
#include <charconv>
#include <filesystem>

namespace synthgen {
namespace {

std::optional<std::string> scalar_text(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) {
    // The shortest text that reads back as the same double: `0.89999999` stays 0.89999999, so a
    // value in the file equals the same value given as a flag (and makes the same request body).
    std::array<char, 32> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), f->get());
    if (ec != std::errc{}) return std::nullopt;
    return std::string(buffer.data(), end);
  }
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  return std::nullopt;
}

// `endpoints = ["URL", "URL#c=8"]`: the pool, one URL per line as the settings hold it.
std::optional<std::string> endpoint_list(const toml::array& array) {
  std::string joined;
  for (const auto& item : array) {
    const auto* url = item.as_string();
    if (url == nullptr) return std::nullopt;
    joined += (joined.empty() ? "" : "\n") + url->get();
  }
  return joined;
}

}  // namespace

std::optional<std::string> find_config_file(const std::optional<std::string>& flag, const EnvLookup& env) {
  if (flag) return flag;
  std::error_code ec;
  if (std::filesystem::is_regular_file("synthgen.toml", ec)) return "synthgen.toml";
  auto base = env("XDG_CONFIG_HOME");
  const auto dir = (base && !base->empty()) ? *base : env("HOME").value_or("") + "/.config";
  const auto path = dir + "/synthgen/config.toml";
  if (std::filesystem::is_regular_file(path, ec)) return path;
  return std::nullopt;
}

std::expected<FileValues, std::string> read_config_file(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return std::unexpected("config file " + path + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
                           std::string(e.description()));
  }
  FileValues file{path, {}};
  for (const auto& [key, node] : table) {
    const auto option = option_for_key(option_table(), key.str() == "endpoints" ? "endpoint" : key.str());
    if (!option)
      return std::unexpected("config file " + path + ": unknown key '" + std::string(key.str()) +
                             "'; the keys are the long option names, see synthgen --help");
    auto text = *option == "endpoint" && node.is_array() ? endpoint_list(*node.as_array()) : scalar_text(node);
    if (*option == "endpoint" && file.values.contains(*option))
      return std::unexpected("config file " + path + ": give the endpoints once, as endpoint = \"URL\" or endpoints = [\"URL\", ...]");
    if (!text)
      return std::unexpected("config file " + path + ": '" + std::string(key.str()) + "' must be a string, a number or true/false" +
                             (*option == "endpoint" ? std::string(", or a list of URL strings") : std::string()));
    file.values.emplace(std::string(*option), std::move(*text));
  }
  return file;
}

}  // namespace synthgen
