// The batch commands by name.
#include "synthgen/app/batch_commands.hpp"

#include <functional>
#include <string>
#include <string_view>

#include "synthgen/app/batch_export.hpp"
#include "synthgen/app/batch_import.hpp"
#include "synthgen/app/batch_remote.hpp"

namespace synthgen {
namespace {

using BatchRun = std::function<ExitCode(const RunConfig&, const RunTokens&, const std::vector<std::string>&, WrittenFiles&)>;

struct BatchCommand {
  std::string_view name;
  BatchRun run;
  bool talks_to_batch_api = false;  // sends to the endpoint's Files and Batches API: one endpoint only
};

const BatchCommand* find_command(std::string_view name) {
  static const BatchCommand commands[] = {
      {"export",
       [](const auto& config, const auto& tokens, const auto&, auto& written) { return run_batch_export(config, tokens, written); }},
      {"import", [](const auto& config, const auto&, const auto& files, auto&) { return run_batch_import(config, files); }},
      {"submit", [](const auto& config, const auto& tokens, const auto&, auto&) { return run_batch_submit(config, tokens); }, true},
      {"status", [](const auto& config, const auto& tokens, const auto&, auto&) { return run_batch_status(config, tokens.first()); }, true},
      {"collect", [](const auto& config, const auto& tokens, const auto&, auto&) { return run_batch_collect(config, tokens.first()); },
       true},
  };
  for (const auto& command : commands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

}  // namespace

ExitCode run_batch_command(const std::string& command, const RunConfig& config, const RunTokens& tokens,
                           const std::vector<std::string>& files, WrittenFiles& written) {
  const auto* found = find_command(command);
  if (found == nullptr) throw RunError(ExitCode::usage, "no batch command " + command + "; see synthgen batch --help");
  // Batches are kept by the provider that made them: a pool has no one place to send them to.
  if (found->talks_to_batch_api && config.endpoints.size() > 1) {
    throw RunError(ExitCode::usage, "batch " + command + " talks to one Batch API, and " + std::to_string(config.endpoints.size()) +
                                        " endpoints are given (a pool); give one --endpoint, e.g. --endpoint https://api.openai.com/v1");
  }
  return found->run(config, tokens, files, written);
}

}  // namespace synthgen
