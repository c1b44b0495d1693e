// Aligned `name = value  # origin` lines, in option-table order.
#include "synthgen/core/settings_report.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace synthgen {

std::string format_config_example() {
  std::string out =
      "# synthgen configuration: every key, with its default (written by `synthgen config example`).\n"
      "# synthgen reads --config-file FILE, else ./synthgen.toml, else $XDG_CONFIG_HOME/synthgen/config.toml.\n"
      "# Precedence: built-in defaults < this file < .env < environment (SYNTHGEN_<KEY>, HF_TOKEN, ...) < flags.\n"
      "# Keys are the long option names; n_sample and n-sample are the same key. The token is never read\n"
      "# from here: use HF_TOKEN (environment or .env) or the huggingface_hub token file.\n"
      "# `synthgen config show` prints every value and where it came from.\n";
  for (const auto& spec : option_table()) {
    out += fmt::format("\n# {}{}\n", spec.help,
                       spec.fallback_env.empty() ? "" : fmt::format(" (environment fallback: {})", spec.fallback_env));
    const auto value = spec.default_value;
    const bool plain =
        value == "true" || value == "false" || (!value.empty() && value.find_first_not_of("0123456789.") == std::string_view::npos);
    const auto shown = plain ? std::string(value) : fmt::format("\"{}\"", value);
    out += fmt::format("{}{} = {}\n", value.empty() ? "# " : "", spec.name, shown);
  }
  return out;
}

std::string format_settings(const Settings& settings, const std::optional<Token>& token, const std::optional<std::string>& config_file) {
  const std::string secret = token ? token->value : std::string{};
  std::string out = fmt::format("# config file: {}\n", config_file.value_or("none"));
  for (const auto& spec : option_table()) {
    const auto& s = settings.at(std::string(spec.name));
    auto value = redact(s.value.empty() ? "\"\"" : s.value, secret);
    std::replace(value.begin(), value.end(), '\n', ' ');  // the endpoints of a pool
    out += fmt::format("{:<16} = {:<40} # {}\n", spec.name, value, redact(s.origin, secret));
  }
  out += fmt::format("{:<16} = {:<40} # {}\n", "token", token ? "hf_*** (set)" : "(none)",
                     token ? token->origin : "HF_TOKEN, HUGGING_FACE_HUB_TOKEN, token file");
  return out;
}

}  // namespace synthgen
