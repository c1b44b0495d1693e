// Shell completion scripts for bash, zsh and fish, written from a model of the command line (its
// subcommands and options, each option's kind of value and choices), which options.cpp builds from
// the option table; `synthgen completion SHELL` prints one.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace synthgen {

enum class Shell { bash, zsh, fish };

std::span<const std::string_view> completion_shells();  // "bash", "zsh", "fish"
std::optional<Shell> shell_named(std::string_view name);

// What a value (an option's, or a command's arguments) is completed with.
enum class ValueCompletion { none, any, choices, file, directory };  // none: a switch, or a command without arguments

struct CompletedOption {
  std::string name;        // long name without dashes: "n-sample"
  char short_name = '\0';  // 'q' for -q; '\0': none
  std::string help;        // one line
  ValueCompletion value = ValueCompletion::none;
  std::vector<std::string> choices{};  // for ValueCompletion::choices
};

struct CompletedCommand {
  std::vector<std::string> path;  // {"batch", "export"}; {} is synthgen itself
  std::string help;
  ValueCompletion arguments = ValueCompletion::none;  // its positional arguments: none, file or choices
  std::vector<std::string> argument_choices{};
};

// Every option applies after any command (the subcommands take the run's options too).
struct CompletionModel {
  std::vector<CompletedOption> options;
  std::vector<CompletedCommand> commands;  // parents before their children
};

// The script for `shell`, to be sourced (bash, zsh) or saved in the shell's completion folder.
std::string completion_script(Shell shell, const CompletionModel& model);

// An option's help cut to one short line for a completion menu: up to the first "; " and at most
// `width` characters (cut at a space, with "...").
std::string short_help(std::string_view help, std::size_t width = 80);

}  // namespace synthgen
