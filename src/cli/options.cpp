// Builds the CLI11 app from option_table(); the table's "false"-defaulted entries are switches.
#include "synthgen/cli/options.hpp"

namespace synthgen {
namespace {

constexpr const char* description =
    "Label text with a large language model: a few-shot prompt per row, several votes per row, the majority\n"
    "label written to a training CSV, and accuracy / macro-F1 against the human labels.\n\n"
    "A path of - is standard input for --input and standard output for one of --output, --details,\n"
    "--metrics-json and --report.\n\n"
    "Every option can also be set as SYNTHGEN_<OPTION> in the environment or in ./.env (flags win).\n"
    "The token comes from HF_TOKEN, HUGGING_FACE_HUB_TOKEN or the huggingface_hub token file.\n\n"
    "Exit codes: 0 done, 1 internal error, 2 usage, 3 input data, 4 auth or credits, 5 service, 6 output file,\n"
    "7 quality gate not met, 8 --max-requests reached, 9 incomplete (some votes failed after their retries;\n"
    "every output was written: run again to ask only for those), 130 interrupted.";

}  // namespace

CommandLine::CommandLine() : app_(description, "synthgen") {
  app_.set_version_flag("--version", version_line);
  app_.get_formatter()->column_width(28);
  for (const auto& spec : option_table()) {
    const std::string name(spec.name);
    std::string help(spec.help);
    const bool is_switch = spec.default_value == "false" || spec.default_value == "true";
    if (!spec.default_value.empty() && !is_switch) help += " [default: " + std::string(spec.default_value) + "]";
    if (!spec.fallback_env.empty()) help += " [env: " + std::string(spec.fallback_env) + "]";
    if (name == "log-level") {
      options_[name] = app_.add_option("--log-level", values_[name], help)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
      app_.add_flag_callback(
          "-v,--verbose", [this] { verbose_ = true; }, "the same as --log-level debug");
      continue;
    }
    if (name == "endpoint") {  // each one given is an endpoint of the pool; the settings hold them one per line
      options_[name] = app_.add_option("--endpoint", endpoints_, help)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
      continue;
    }
    if (spec.default_value == "false") {
      options_[name] = app_.add_flag(name == "quiet" ? "-q,--quiet" : "--" + name, switches_[name], help);
    } else if (spec.default_value == "true") {
      std::string names = "--";
      names += name;
      names += ",!--no-";
      names += name;
      options_[name] = app_.add_flag(names, switches_[name], help);
    } else {
      // The last of repeated flags wins, so a script can append overrides to a list of defaults.
      options_[name] = app_.add_option("--" + name, values_[name], help)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
  }
  config_file_option_ = app_.add_option("--config-file", config_file_,
                                        "TOML file of option = value lines [default: ./synthgen.toml, else "
                                        "$XDG_CONFIG_HOME/synthgen/config.toml] [env: SYNTHGEN_CONFIG_FILE]");
  auto* config = app_.add_subcommand("config", "inspect the configuration")->require_subcommand(1);
  config_show_ = config->add_subcommand("show", "print every option's value and where it came from (token redacted)");
  config_example_ = config->add_subcommand("example", "print a config file with every option, its help and its default");
  plan_ = app_.add_subcommand("plan", "count rows, requests and prompt tokens, and estimate the cost; sends no inference request");
  batch_ = app_.add_subcommand("batch", "label through a batch engine (vllm run-batch, the OpenAI Batch API) instead of live requests")
               ->require_subcommand(1);
  std::vector<CLI::App*> subcommands{config, config_show_, config_example_, plan_, batch_};
  subcommands.push_back(batch_->add_subcommand("export", "write the requests the run still needs as OpenAI batch lines to --batch-out"));
  auto* import = batch_->add_subcommand("import", "store the answers of batch output and error files (OpenAI, vLLM)");
  import->add_option("files", import_files_, "output or error files of the batch engine")->required()->check(CLI::ExistingFile);
  subcommands.push_back(import);
  subcommands.push_back(batch_->add_subcommand("submit", "export, upload each part to {endpoint}/files and start it as a batch (OpenAI)"));
  subcommands.push_back(batch_->add_subcommand("status", "show each batch submitted from the response store: status and counts"));
  subcommands.push_back(
      batch_->add_subcommand("collect", "download and import the files of every batch that has ended (--wait: poll until all have)"));
  merge_ = app_.add_subcommand("merge", "join the parts of a --shard run's N shards into the outputs the whole run would have written");
  merge_->add_option("parts", merge_parts_, "each shard's --output (its OUTPUT.shard.jsonl is read)")->required();
  subcommands.push_back(merge_);
  for (auto* sub : subcommands) sub->fallthrough();
}

std::string CommandLine::batch_command() const {
  if (!batch_->parsed()) return {};
  for (const auto* sub : batch_->get_subcommands()) return sub->get_name();
  return {};
}

void CommandLine::parse(int argc, char** argv) { app_.parse(argc, argv); }

std::optional<std::string> CommandLine::config_file() const {
  if (config_file_option_->count() == 0) return std::nullopt;
  return config_file_;
}

FlagValues CommandLine::given_flags() const {
  FlagValues given;
  for (const auto& [name, option] : options_) {
    if (option->count() == 0) {
      if (name == "log-level" && verbose_) given[name] = "debug";
      continue;
    }
    if (name == "endpoint") {
      for (const auto& endpoint : endpoints_) given[name] += (given[name].empty() ? "" : "\n") + endpoint;
      continue;
    }
    const auto value = values_.find(name);
    given[name] = value != values_.end() ? value->second : (switches_.at(name) ? "true" : "false");
  }
  return given;
}

}  // namespace synthgen
