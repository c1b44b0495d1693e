// The completion scripts: every option of the table and its choices in each, the subcommands, file
// and directory values, quoting, and the shape each shell needs (zsh's and fish's binaries are not
// on the build machines, so their scripts are checked here as text).
#include "synthgen/cli/completion.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "synthgen/cli/options.hpp"
#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

CompletionModel table_model() {
  const CommandLine command_line;
  return command_line.completion_model();
}

std::string script_for(Shell shell) { return completion_script(shell, table_model()); }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Single and double quotes balanced outside of comments: a cheap check that bash, zsh and fish
// would read each line as written (no help text closes a quote early).
void expect_balanced_quotes(const std::string& script, Shell shell) {
  for (const auto line : split_lines(script)) {
    if (line.find_first_not_of(' ') != std::string_view::npos && line.substr(line.find_first_not_of(' ')).starts_with("#")) continue;
    bool single = false;
    bool dquote = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (single) {
        if (shell == Shell::fish && c == '\\') {
          ++i;
        } else if (c == '\'') {
          single = false;
        }
      } else if (c == '\\') {
        ++i;
      } else if (c == '\'' && !dquote) {
        single = true;
      } else if (c == '"') {
        dquote = !dquote;
      }
    }
    EXPECT_FALSE(single) << "open single quote: " << line;
    EXPECT_FALSE(dquote) << "open double quote: " << line;
  }
}

TEST(Completion, ShellsByName) {
  EXPECT_EQ(shell_named("bash"), Shell::bash);
  EXPECT_EQ(shell_named("zsh"), Shell::zsh);
  EXPECT_EQ(shell_named("fish"), Shell::fish);
  EXPECT_FALSE(shell_named("tcsh"));
  EXPECT_FALSE(shell_named("Bash"));
  EXPECT_EQ(completion_shells().size(), 3u);
}

TEST(Completion, ModelHasEveryTableOptionItsChoicesAndTheSubcommands) {
  const auto model = table_model();
  for (const auto& spec : option_table()) {
    const auto found = std::ranges::find(model.options, std::string(spec.name), &CompletedOption::name);
    ASSERT_NE(found, model.options.end()) << spec.name;
    EXPECT_EQ(found->choices.size(), option_choices(spec).size()) << spec.name;
    if (spec.kind == ValueKind::flag) {
      EXPECT_EQ(found->value, ValueCompletion::none) << spec.name;
    }
    if (spec.kind == ValueKind::file) {
      EXPECT_EQ(found->value, ValueCompletion::file) << spec.name;
    }
    if (spec.default_value == "true") {
      EXPECT_NE(std::ranges::find(model.options, "no-" + std::string(spec.name), &CompletedOption::name), model.options.end());
    }
  }
  std::vector<std::string> paths;
  for (const auto& command : model.commands)
    paths.push_back(command.path.empty() ? "(synthgen)"
                                         : command.path.front() + (command.path.size() > 1 ? " " + command.path.back() : ""));
  for (const auto* expected : {"(synthgen)", "config", "config show", "config example", "plan", "batch", "batch export", "batch import",
                               "batch submit", "batch status", "batch collect", "merge", "completion"})
    EXPECT_NE(std::ranges::find(paths, std::string(expected)), paths.end()) << expected;
  EXPECT_EQ(std::ranges::find(paths, std::string("manpage")), paths.end()) << "hidden";
  const auto merge = std::ranges::find(model.commands, std::vector<std::string>{"merge"}, &CompletedCommand::path);
  ASSERT_NE(merge, model.commands.end());
  EXPECT_EQ(merge->arguments, ValueCompletion::file);
  const auto completion = std::ranges::find(model.commands, std::vector<std::string>{"completion"}, &CompletedCommand::path);
  ASSERT_NE(completion, model.commands.end());
  EXPECT_EQ(completion->argument_choices, (std::vector<std::string>{"bash", "zsh", "fish"}));
  const auto quiet = std::ranges::find(model.options, std::string("quiet"), &CompletedOption::name);
  ASSERT_NE(quiet, model.options.end());
  EXPECT_EQ(quiet->short_name, 'q');
}

TEST(Completion, EveryScriptNamesEveryOptionAndItsChoices) {
  for (const auto shell : {Shell::bash, Shell::zsh, Shell::fish}) {
    const auto script = script_for(shell);
    for (const auto& spec : option_table()) {
      const auto name = std::string(spec.name);
      // bash and zsh write --name, fish -l name.
      EXPECT_TRUE(shell == Shell::fish ? has(script, " -l " + name + " ") : has(script, "--" + name)) << name << " in shell " << int(shell);
      for (const auto choice : option_choices(spec)) EXPECT_TRUE(has(script, std::string(choice))) << name << " " << choice;
    }
    for (const auto* extra : {"config-file", "help", "version", "verbose", "no-early-stop"})
      EXPECT_TRUE(shell == Shell::fish ? has(script, std::string(" -l ") + extra + " ") : has(script, std::string("--") + extra)) << extra;
    for (const auto* command :
         {"config", "example", "plan", "batch", "export", "import", "submit", "status", "collect", "merge", "completion"})
      EXPECT_TRUE(has(script, command)) << command;
    EXPECT_FALSE(has(script, "manpage"));
    expect_balanced_quotes(script, shell);
  }
}

TEST(Completion, BashOffersChoicesFilesAndTheCommandsWords) {
  const auto script = script_for(Shell::bash);
  EXPECT_TRUE(has(script, "    --api)\n      mapfile -t COMPREPLY < <(compgen -W 'openai tgi' -- \"$cur\")"));
  EXPECT_TRUE(has(script, "    --parser)\n      mapfile -t COMPREPLY < <(compgen -W 'strict legacy' -- \"$cur\")"));
  EXPECT_TRUE(has(script, "--output|"));
  EXPECT_TRUE(has(script, "compgen -f -- \"$cur\""));
  EXPECT_TRUE(has(script, "    'batch') words='export import submit status collect' ;;"));
  EXPECT_TRUE(has(script, "    'completion') words='bash zsh fish' ;;"));
  EXPECT_TRUE(has(script, "    'merge'|'merge '*) files=f ;;"));
  EXPECT_TRUE(has(script, "    'batch import'|'batch import '*) files=f ;;"));
  EXPECT_TRUE(script.ends_with("complete -F _synthgen synthgen\n"));
}

TEST(Completion, ZshIsACompdefWithAnArgumentsSpecPerOption) {
  const auto script = script_for(Shell::zsh);
  EXPECT_TRUE(script.starts_with("#compdef synthgen\n"));
  EXPECT_TRUE(has(script, "'--api=[wire format\\: openai (POST {endpoint}/chat/completions) or tgi"));
  EXPECT_TRUE(has(script, ":value:(openai tgi)'"));
  EXPECT_TRUE(has(script, "'--input=[")) << "a value option takes --input=FILE and --input FILE";
  EXPECT_TRUE(has(script, ":value:_files'"));
  EXPECT_TRUE(has(script, "'--quiet[print nothing on stderr but errors]'"));
  EXPECT_TRUE(has(script, "'-q[print nothing on stderr but errors]'"));
  EXPECT_TRUE(has(script, "compdef _synthgen synthgen"));
  // zsh's special parameters would be clobbered by a local of the same name.
  for (const auto* special : {"local -a options", "local -a commands", "options=(", "commands=("})
    EXPECT_FALSE(has(script, special)) << special;
  std::size_t opened = 0;
  std::size_t closed = 0;
  for (const char c : script) {
    opened += c == '{' ? 1 : 0;
    closed += c == '}' ? 1 : 0;
  }
  EXPECT_EQ(opened, closed);
}

TEST(Completion, FishHasOneCompleteLinePerOptionAndSubcommand) {
  const auto script = script_for(Shell::fish);
  EXPECT_TRUE(has(script, "complete -c synthgen -l api -x -a 'openai tgi' -d "));
  EXPECT_TRUE(has(script, "complete -c synthgen -l output -r -F -d "));
  EXPECT_TRUE(has(script, "complete -c synthgen -s q -l quiet -d 'print nothing on stderr but errors'\n"));
  EXPECT_TRUE(has(script, "complete -c synthgen -l n-sample -x -d "));
  EXPECT_TRUE(has(script, "complete -c synthgen -n '__fish_use_subcommand' -a 'merge' -d "));
  EXPECT_TRUE(has(script,
                  "complete -c synthgen -n '__fish_seen_subcommand_from batch; and not __fish_seen_subcommand_from export import "
                  "submit status collect' -a 'export' -d "));
  EXPECT_TRUE(has(script, "complete -c synthgen -n '__fish_seen_subcommand_from merge' -F\n"));
  EXPECT_TRUE(has(script, "-x -a 'bash zsh fish'\n"));
  for (const auto line : split_lines(script)) EXPECT_TRUE(line.starts_with("#") || line.starts_with("complete -c synthgen ")) << line;
}

// A model with what the table lacks today: a directory option, and help that needs quoting.
TEST(Completion, DirectoriesAndQuotesInHelp) {
  CompletionModel model;
  model.options.push_back({"out-dir", '\0', "where it's [written]: a folder", ValueCompletion::directory, {}});
  model.commands.push_back({{}, "", ValueCompletion::none, {}});
  model.commands.push_back({{"sync"}, "copy \"them\"", ValueCompletion::directory, {}});
  const auto bash = completion_script(Shell::bash, model);
  EXPECT_TRUE(has(bash, "    --out-dir)\n      compopt -o filenames 2>/dev/null\n      mapfile -t COMPREPLY < <(compgen -d -- \"$cur\")"));
  EXPECT_TRUE(has(bash, "'sync'|'sync '*) files=d ;;"));
  const auto zsh = completion_script(Shell::zsh, model);
  EXPECT_TRUE(has(zsh, "'--out-dir=[where it'\\''s \\[written\\]\\: a folder]:value:_files -/'"));
  const auto fish = completion_script(Shell::fish, model);
  EXPECT_TRUE(has(fish, "complete -c synthgen -l out-dir -x -a '(__fish_complete_directories)' -d 'where it\\'s [written]: a folder'"));
  for (const auto shell : {Shell::bash, Shell::zsh, Shell::fish}) expect_balanced_quotes(completion_script(shell, model), shell);
}

TEST(Completion, ShortHelpStopsAtTheFirstClauseAndFitsTheWidth) {
  EXPECT_EQ(short_help("requests per row; the majority label wins"), "requests per row");
  EXPECT_EQ(short_help("one two three four", 12), "one two...");
  EXPECT_EQ(short_help("short"), "short");
  EXPECT_LE(short_help(std::string(200, 'x')).size(), 80u);
}

}  // namespace
}  // namespace synthgen
