// Every option of a run in one declarative table, and the merge of its sources:
// built-in default < environment (SYNTHGEN_<FLAG>, and a named fallback variable) < flag.
// One pure function, so the precedence is tested and `config show` can say where each value came from.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "synthgen/core/secrets.hpp"

namespace synthgen {

// Where an option is listed in --help and the man page, in this order.
enum class OptionSection : std::uint8_t { input, sampling, prompt, inference, reliability, outputs, gates, network, batch, shards };
inline constexpr std::size_t option_sections = 10;
std::string_view section_title(OptionSection section);  // "Sampling and split"

// What an option takes, shown as its metavar (INT, FLOAT, FILE, URL, TEXT); flag: a switch, no value.
enum class ValueKind : std::uint8_t { text, integer, real, file, url, flag };
std::string_view metavar(ValueKind kind);

struct OptionSpec {
  std::string_view name;  // flag --name, environment SYNTHGEN_NAME (dashes become underscores)
  OptionSection section;
  ValueKind kind;
  std::string_view default_value;
  std::string_view help;
  std::string_view fallback_env{};  // conventional variables below SYNTHGEN_*, first set wins (e.g. "HF_ENDPOINT")
  std::string_view choices{};       // the only values taken, space-separated ("openai tgi"); empty: any (shell completion offers these)
};

std::span<const OptionSpec> option_table();

// An option's choices one by one: {"openai", "tgi"}; none for an option that takes any value.
std::vector<std::string_view> option_choices(const OptionSpec& spec);

// "n-sample" -> "SYNTHGEN_N_SAMPLE".
std::string env_name(std::string_view option);

enum class ValueSource { default_value, file, environment, flag };

struct SettingValue {
  std::string value;
  ValueSource source = ValueSource::default_value;
  std::string origin;  // "default", the config file's path, the variable's name (".env: NAME" from .env), or "--flag"
};

// Values read from a config file, by option name, with the file they came from.
struct FileValues {
  std::string path;
  std::map<std::string, std::string, std::less<>> values;
};

using Settings = std::map<std::string, SettingValue, std::less<>>;
using FlagValues = std::map<std::string, std::string, std::less<>>;

// default < config file < environment (.env included: it never overrides a set variable) < flag.
Settings merge_settings(std::span<const OptionSpec> table, const FileValues& file, const EnvLookup& env, const FlagValues& flags);
Settings merge_settings(std::span<const OptionSpec> table, const EnvLookup& env, const FlagValues& flags);

// A value read from a variable that the `.env` file set (not the environment) names the file as its
// origin, ".env: SYNTHGEN_VOTES", so `config show` and error messages say where to look.
void note_dotenv_origins(Settings& settings, const std::set<std::string, std::less<>>& from_dotenv, std::string_view dotenv_path);

// The option a config-file key names ("n_sample" and "n-sample" both name --n-sample), if any.
std::optional<std::string_view> option_for_key(std::span<const OptionSpec> table, std::string_view key);

}  // namespace synthgen
