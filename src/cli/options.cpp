// Builds the CLI11 app from option_table(); the table's "false"-defaulted entries are switches.
#include "synthgen/cli/options.hpp"

namespace synthgen {
namespace {

constexpr const char* description =
    "Label text with a large language model: a few-shot prompt per row, several votes per row, the majority\n"
    "label written to a training CSV, and accuracy / macro-F1 against the human labels.\n\n"
    "Every option can also be set as SYNTHGEN_<OPTION> in the environment or in ./.env (flags win).\n"
    "The token comes from HF_TOKEN, HUGGING_FACE_HUB_TOKEN or the huggingface_hub token file.\n\n"
    "Exit codes: 0 done, 1 internal error, 2 usage, 3 input data, 4 auth or credits, 5 service, 6 output file.";

}  // namespace

CommandLine::CommandLine() : app_(description, "synthgen") {
  app_.set_version_flag("--version", "synthgen " SYNTHGEN_VERSION);
  app_.get_formatter()->column_width(28);
  for (const auto& spec : option_table()) {
    const std::string name(spec.name);
    std::string help(spec.help);
    const bool is_switch = spec.default_value == "false" || spec.default_value == "true";
    if (!spec.default_value.empty() && !is_switch) help += " [default: " + std::string(spec.default_value) + "]";
    if (!spec.fallback_env.empty()) help += " [env: " + std::string(spec.fallback_env) + "]";
    if (name == "log-level") {
      options_[name] = app_.add_option("--log-level", values_[name], help)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
      app_.add_flag_callback("-v,--verbose", [this] { verbose_ = true; }, "the same as --log-level debug");
      continue;
    }
    if (spec.default_value == "false") {
      options_[name] = app_.add_flag(name == "quiet" ? "-q,--quiet" : "--" + name, switches_[name], help);
    } else if (spec.default_value == "true") {
      options_[name] = app_.add_flag("--" + name + ",!--no-" + name, switches_[name], help);
    } else {
      // The last of repeated flags wins, so a script can append overrides to a list of defaults.
      options_[name] = app_.add_option("--" + name, values_[name], help)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
  }
}

void CommandLine::parse(int argc, char** argv) { app_.parse(argc, argv); }

FlagValues CommandLine::given_flags() const {
  FlagValues given;
  for (const auto& [name, option] : options_) {
    if (option->count() == 0) {
      if (name == "log-level" && verbose_) given[name] = "debug";
      continue;
    }
    const auto value = values_.find(name);
    given[name] = value != values_.end() ? value->second : (switches_.at(name) ? "true" : "false");
  }
  return given;
}

}  // namespace synthgen
