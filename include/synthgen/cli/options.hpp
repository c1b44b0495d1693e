// CLI11 set-up from the declarative option table: each flag's value is kept only when given, so
// the merge with the environment decides precedence (flags win).
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synthgen/cli/completion.hpp"
#include "synthgen/core/settings.hpp"

namespace synthgen {

// What --version prints.
inline constexpr const char* version_line = "synthgen " SYNTHGEN_VERSION;

class CommandLine {
 public:
  CommandLine();
  // Throws CLI::ParseError subclasses as CLI11 does (help and version included).
  void parse(int argc, char** argv);
  [[nodiscard]] FlagValues given_flags() const;
  [[nodiscard]] std::optional<std::string> config_file() const;
  [[nodiscard]] bool wants_config_show() const { return config_show_->parsed(); }
  [[nodiscard]] bool wants_config_example() const { return config_example_->parsed(); }
  [[nodiscard]] bool wants_plan() const { return plan_->parsed(); }
  // The `batch` subcommand named ("export", "import", "submit", "status", "collect"), or "".
  [[nodiscard]] std::string batch_command() const;
  [[nodiscard]] const std::vector<std::string>& import_files() const { return import_files_; }
  [[nodiscard]] bool wants_merge() const { return merge_->parsed(); }
  [[nodiscard]] const std::vector<std::string>& merge_parts() const { return merge_parts_; }
  [[nodiscard]] bool wants_manpage() const { return manpage_->parsed(); }
  [[nodiscard]] bool wants_completion() const { return completion_->parsed(); }
  [[nodiscard]] const std::string& completion_shell() const { return completion_shell_; }  // as given, "" when none
  // The subcommands (hidden ones left out) and every option, from the CLI11 app and the option table.
  [[nodiscard]] CompletionModel completion_model() const;
  CLI::App& app() { return app_; }
  // Every long option name ("--no-early-stop" included).
  [[nodiscard]] std::vector<std::string> option_names();
  // The usage error for an argument CLI11 did not expect: "unknown option --n-samples; did you mean
  // --n-sample?" (a suggestion only when one is a few letters off).
  [[nodiscard]] std::string unknown_argument_message(std::string_view argument);

 private:
  void add_table_option(const OptionSpec& spec);
  void add_subcommands();

  CLI::App app_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> endpoints_;  // --endpoint is the one option that may be given several times: the pool
  std::map<std::string, bool> switches_;
  std::map<std::string, CLI::Option*> options_;
  bool verbose_ = false;
  std::string config_file_;
  CLI::Option* config_file_option_ = nullptr;
  CLI::App* config_show_ = nullptr;
  CLI::App* config_example_ = nullptr;
  CLI::App* plan_ = nullptr;
  CLI::App* batch_ = nullptr;
  std::vector<std::string> import_files_;
  CLI::App* merge_ = nullptr;
  CLI::App* manpage_ = nullptr;
  CLI::App* completion_ = nullptr;
  std::string completion_shell_;
  std::vector<std::string> merge_parts_;
};

}  // namespace synthgen
