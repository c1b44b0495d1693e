// Builds the CLI11 app from option_table(): one --help group per section, a metavar per value kind.
#include "synthgen/cli/options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "synthgen/cli/help_text.hpp"
#include "synthgen/core/name_match.hpp"

namespace synthgen {
namespace {

constexpr std::size_t help_width = 100;  // columns, the widest line --help prints
constexpr std::size_t name_column = 34;  // where an option's help starts

constexpr const char* description =
    "Label text with a large language model: a few-shot prompt per row, several votes per row, the\n"
    "majority label written to a training CSV, and accuracy / macro-F1 against the human labels.\n\n"
    "Each option can also be set as SYNTHGEN_<OPTION> in the environment or in ./.env, or in a config\n"
    "file (flags win). A path of - is standard input for --input and standard output for one output.\n";

// --help's options and subcommands with their help wrapped to help_width columns (CLI11 2.1 does not wrap).
class WrappingFormatter final : public CLI::Formatter {
 public:
  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    return entry(make_option_name(opt, is_positional) + make_option_opts(opt), make_option_desc(opt));
  }
  std::string make_subcommand(const CLI::App* sub) const override { return entry(sub->get_display_name(), sub->get_description()); }
  // "-q, --quiet", "--early-stop, --no-early-stop": CLI11 would print "-q,--quiet" and "{false}".
  std::string make_option_name(const CLI::Option* opt, bool is_positional) const override {
    if (is_positional) return CLI::Formatter::make_option_name(opt, is_positional);
    std::string names;
    for (const auto& name : opt->get_snames()) names += (names.empty() ? "-" : ", -") + name;
    for (const auto& name : opt->get_lnames()) names += (names.empty() ? "--" : ", --") + name;
    return names;
  }
  std::string make_usage(const CLI::App* app, std::string name) const override { return CLI::Formatter::make_usage(app, name) + "\n"; }
  // One blank line between two sections, not CLI11's two.
  std::string make_group(std::string group, bool is_positional, std::vector<const CLI::Option*> opts) const override {
    std::string out = group + ":\n";
    for (const auto* opt : opts) out += make_option(opt, is_positional);
    return out;
  }

 private:
  static std::string entry(const std::string& name, const std::string& help) {
    std::string out = "  " + name;
    if (out.size() + 1 >= name_column) {
      out += "\n" + std::string(name_column, ' ');
    } else {
      out.resize(name_column, ' ');
    }
    return out + wrap_text(help, help_width - name_column, name_column) + "\n";
  }
};

std::string footer() {
  std::string out = "Examples:\n";
  for (const auto& example : help_examples()) out += "  " + std::string(example.name) + "\n      " + wrap_text(example.text, 92, 6) + "\n";
  out += "\nExit status:\n";
  for (const auto& status : exit_statuses()) out += fmt::format("  {:>3}  {}\n", status.name, wrap_text(status.text, help_width - 7, 7));
  out +=
      "\nEnvironment: HF_TOKEN, HF_HOME, HF_ENDPOINT, HF_HUB_OFFLINE, OPENAI_API_KEY, SYNTHGEN_<OPTION>\n"
      "(see `man synthgen`, docs/synthgen.1).";
  return out;
}

// "FILE", or "FILE:FILE" once CLI11 adds its ExistingFile check's name.
bool takes_files(const CLI::Option& option) {
  const auto type = option.get_type_name();
  return type == metavar(ValueKind::file) || type.starts_with(std::string(metavar(ValueKind::file)) + ":");
}

std::string option_help(const OptionSpec& spec) {
  std::string help(spec.help);
  if (!spec.default_value.empty() && spec.kind != ValueKind::flag) help += " [default: " + std::string(spec.default_value) + "]";
  if (!spec.fallback_env.empty()) help += " [env: " + std::string(spec.fallback_env) + "]";
  return help;
}

}  // namespace

CommandLine::CommandLine() : app_(description, "synthgen") {
  app_.formatter(std::make_shared<WrappingFormatter>());
  app_.set_version_flag("--version", version_line);
  app_.footer(footer());
  app_.get_help_ptr()->group("General");
  app_.get_version_ptr()->group("General");
  config_file_option_ = app_.add_option("--config-file", config_file_,
                                        "TOML file of option = value lines [default: ./synthgen.toml, else "
                                        "$XDG_CONFIG_HOME/synthgen/config.toml] [env: SYNTHGEN_CONFIG_FILE]")
                            ->type_name("FILE")
                            ->group("General");
  for (std::size_t s = 0; s < option_sections; ++s) {
    for (const auto& spec : option_table()) {
      if (spec.section == static_cast<OptionSection>(s)) add_table_option(spec);
    }
  }
  add_subcommands();
}

void CommandLine::add_table_option(const OptionSpec& spec) {
  const std::string name(spec.name);
  const std::string group(section_title(spec.section));
  const auto help = option_help(spec);
  CLI::Option* option = nullptr;
  if (name == "endpoint") {  // each one given is an endpoint of the pool; the settings hold them one per line
    option = app_.add_option("--endpoint", endpoints_, help)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  } else if (spec.kind == ValueKind::flag && spec.default_value == "true") {
    option = app_.add_flag("--" + name + ",!--no-" + name, switches_[name], help);
  } else if (spec.kind == ValueKind::flag) {
    option = app_.add_flag(name == "quiet" ? "-q,--quiet" : "--" + name, switches_[name], help);
  } else {
    // The last of repeated flags wins, so a script can append overrides to a list of defaults.
    option = app_.add_option("--" + name, values_[name], help)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
  if (spec.kind != ValueKind::flag) option->type_name(std::string(metavar(spec.kind)));
  options_[name] = option->group(group);
  if (name == "log-level")
    app_.add_flag_callback(
            "-v,--verbose", [this] { verbose_ = true; }, "the same as --log-level debug")
        ->group(group);
}

void CommandLine::add_subcommands() {
  auto* config = app_.add_subcommand("config", "inspect the configuration")->require_subcommand(1);
  config_show_ = config->add_subcommand("show", "print every option's value and where it came from (token redacted)");
  config_example_ = config->add_subcommand("example", "print a config file with every option, its help and its default");
  plan_ = app_.add_subcommand("plan", "count rows, requests and prompt tokens, and estimate the cost; sends no inference request");
  batch_ = app_.add_subcommand("batch", "label through a batch engine (vllm run-batch, the OpenAI Batch API) instead of live requests")
               ->require_subcommand(1);
  std::vector<CLI::App*> subcommands{config, config_show_, config_example_, plan_, batch_};
  subcommands.push_back(batch_->add_subcommand("export", "write the requests the run still needs as OpenAI batch lines to --batch-out"));
  auto* import = batch_->add_subcommand("import", "store the answers of batch output and error files (OpenAI, vLLM)");
  import->add_option("files", import_files_, "output or error files of the batch engine")
      ->required()
      ->check(CLI::ExistingFile)
      ->type_name("FILE");
  subcommands.push_back(import);
  subcommands.push_back(batch_->add_subcommand("submit", "export, upload each part to {endpoint}/files and start it as a batch (OpenAI)"));
  subcommands.push_back(batch_->add_subcommand("status", "show each batch submitted from the response store: status and counts"));
  subcommands.push_back(
      batch_->add_subcommand("collect", "download and import the files of every batch that has ended (--wait: poll until all have)"));
  merge_ = app_.add_subcommand("merge", "join the parts of a --shard run's N shards into the outputs the whole run would have written");
  merge_->add_option("parts", merge_parts_, "each shard's --output (its OUTPUT.shard.jsonl is read)")->required()->type_name("FILE");
  subcommands.push_back(merge_);
  // The shell is checked by synthgen_main, so that a wrong one is one usage line naming the shells.
  completion_ =
      app_.add_subcommand("completion", "print a completion script for bash, zsh or fish to stdout (see README: Shell completion)");
  completion_->add_option("shell", completion_shell_, "bash, zsh or fish")->type_name("SHELL");
  manpage_ = app_.add_subcommand("manpage", "print the man page (roff) made from the option table")->group("");  // hidden
  for (auto* sub : subcommands) sub->fallthrough();
}

CompletionModel CommandLine::completion_model() const {
  CompletionModel model;
  for (const auto* option : app_.get_options()) {
    const auto& names = option->get_lnames();
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto spec = std::ranges::find(option_table(), std::string_view(names[i]), &OptionSpec::name);
      const bool in_table = spec != option_table().end();
      CompletedOption completed{names[i], i == 0 && !option->get_snames().empty() ? option->get_snames().front().front() : '\0',
                                short_help(in_table ? spec->help : std::string_view(option->get_description()))};
      if (option->get_expected_max() == 0) {
        completed.value = ValueCompletion::none;  // a switch (its --no- negation too)
      } else if (in_table && !spec->choices.empty()) {
        completed.value = ValueCompletion::choices;
        for (const auto choice : option_choices(*spec)) completed.choices.emplace_back(choice);
      } else {
        completed.value = (in_table ? spec->kind == ValueKind::file : takes_files(*option)) ? ValueCompletion::file : ValueCompletion::any;
      }
      model.options.push_back(std::move(completed));
    }
  }
  for (const auto& spec : option_table()) {  // the negations of switches that default to true, unless CLI11 listed them
    const auto negation = "no-" + std::string(spec.name);
    if (spec.default_value == "true" && std::ranges::find(model.options, negation, &CompletedOption::name) == model.options.end())
      model.options.push_back({negation, '\0', "not --" + std::string(spec.name)});
  }
  // Depth first, parents before children; hidden subcommands (no group: manpage) are not offered.
  const std::function<void(const CLI::App&, const std::vector<std::string>&)> walk = [&](const CLI::App& app,
                                                                                         const std::vector<std::string>& path) {
    CompletedCommand command{path, app.get_description()};
    for (const auto* option : app.get_options()) {
      if (!option->get_lnames().empty() || !option->get_snames().empty()) continue;  // a positional argument
      if (&app == completion_) {
        command.arguments = ValueCompletion::choices;
        for (const auto shell : completion_shells()) command.argument_choices.emplace_back(shell);
      } else if (takes_files(*option)) {
        command.arguments = ValueCompletion::file;
      }
    }
    model.commands.push_back(std::move(command));
    for (const auto* sub : app.get_subcommands({})) {
      if (sub->get_group().empty()) continue;
      auto sub_path = path;
      sub_path.push_back(sub->get_name());
      walk(*sub, sub_path);
    }
  };
  walk(app_, {});
  return model;
}

std::vector<std::string> CommandLine::option_names() {
  std::vector<std::string> names;
  for (const auto* option : app_.get_options()) {
    for (const auto& name : option->get_lnames()) names.push_back("--" + name);
  }
  for (const auto& spec : option_table()) {  // the negations of switches that default to true
    if (spec.default_value == "true") names.push_back("--no-" + std::string(spec.name));
  }
  return names;
}

std::string CommandLine::unknown_argument_message(std::string_view argument) {
  const auto asked = argument.substr(0, argument.find('='));
  if (!asked.starts_with("-")) return fmt::format("unexpected argument {}", asked);
  auto closest = closest_names(asked, option_names(), 1);
  // Only a near miss is a suggestion: a few letters off, not any option at all.
  if (!closest.empty() && edit_distance(asked, closest.front()) <= std::max<std::size_t>(2, asked.size() / 4))
    return fmt::format("unknown option {}; did you mean {}?", asked, closest.front());
  return fmt::format("unknown option {}", asked);
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
