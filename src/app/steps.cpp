// Steps shared by the labeling run and `synthgen plan`.
#include "synthgen/app/steps.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

#include "synthgen/app/run_error.hpp"
#include "synthgen/io/digest.hpp"
#include "synthgen/io/environment.hpp"
#include "synthgen/io/files.hpp"

namespace synthgen {

PromptTemplate load_prompt(const RunConfig& config) {
  if (config.prompt_file.empty()) {
    auto builtin = PromptTemplate::builtin(config.prompt_name);
    if (!builtin) throw RunError(ExitCode::internal, builtin.error());
    return std::move(*builtin);
  }
  auto text = read_file(config.prompt_file);
  if (!text) throw RunError(ExitCode::usage, "--prompt-file " + config.prompt_file + ": " + text.error());
  auto custom = PromptTemplate::from_text(std::move(*text));
  if (!custom) throw RunError(ExitCode::usage, "--prompt-file " + config.prompt_file + ": " + custom.error());
  return std::move(*custom);
}

HeaderList auth_headers(const std::optional<Token>& token, std::vector<std::string> extra) {
  if (token) extra.push_back("Authorization: Bearer " + token->value);
  return HeaderList(extra);
}

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Provenance run_provenance(const RunConfig& config, const std::string& source, const std::string& data_sha256,
                          const PromptTemplate& prompt) {
  return make_provenance(config, {SYNTHGEN_VERSION, utc_timestamp(), source, data_sha256, sha256_hex(prompt.text())});
}

std::string synthgen_cache_dir() {
  const auto env = process_environment();
  if (auto cache = env("XDG_CACHE_HOME"); cache && !cache->empty()) return *cache + "/synthgen";
  return env("HOME").value_or(".") + "/.cache/synthgen";
}

std::string response_store_path(const RunConfig& config) {
  if (!config.use_cache) return {};
  return config.cache_path.empty() ? synthgen_cache_dir() + "/responses.sqlite3" : config.cache_path;
}

}  // namespace synthgen
