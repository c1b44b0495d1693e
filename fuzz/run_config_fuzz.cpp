// Fuzzes make_run_config(merge_settings(...)): the input is lines `name=value`; a lower-case name is a
// flag (--name), an upper-case one an environment variable (SYNTHGEN_VOTES, HF_ENDPOINT, ...).
#include <map>

#include "fuzz_support.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/core/text.hpp"

using namespace synthgen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FlagValues flags;
  std::map<std::string, std::string, std::less<>> env;
  for (const auto line : split_lines(fuzz::as_text(data, size))) {
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const auto name = line.substr(0, eq);
    const bool is_env = !name.empty() && name.front() >= 'A' && name.front() <= 'Z';
    (is_env ? env : flags)[std::string(name)] = std::string(line.substr(eq + 1));
  }
  const EnvLookup lookup = [&](std::string_view name) -> std::optional<std::string> {
    const auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional(it->second);
  };
  const auto config = make_run_config(merge_settings(option_table(), lookup, flags));
  if (!config) {
    fuzz::require(config.error().starts_with("--"), "a settings error does not name its option");
    return 0;
  }
  fuzz::require(config->votes >= 1 && config->votes <= 100, "votes out of range");
  fuzz::require(config->concurrency >= 1 && config->concurrency <= 4096, "concurrency out of range");
  fuzz::require(config->generation.max_tokens >= 1, "max_tokens out of range");
  fuzz::require(config->generation.temperature >= 0 && config->generation.temperature <= 2, "temperature out of range");
  fuzz::require(config->generation.top_p >= 0 && config->generation.top_p <= 1, "top_p out of range");
  fuzz::require(config->connect_timeout_ms >= 1 && config->timeout_ms >= 1, "a timeout is not positive");
  for (const auto* url : {&config->endpoint, &config->datasets_server, &config->hub_endpoint}) {
    fuzz::require(url->starts_with("http://") || url->starts_with("https://"), "a URL is not http(s)");
    fuzz::require(url->size() > url->find("://") + 3 && (*url)[url->find("://") + 3] != '/', "a URL without a host");
    fuzz::require(!url->ends_with('/'), "a URL keeps its trailing slash");
  }
  fuzz::require(!config->output.empty() && !config->dataset.empty() && !config->generation.model.empty(), "an empty required value");
  return 0;
}
