// Aligned `name = value  # origin` lines, in option-table order.
#include "synthgen/core/settings_report.hpp"

#include <fmt/format.h>

namespace synthgen {

std::string format_settings(const Settings& settings, const std::optional<Token>& token, const std::optional<std::string>& config_file) {
  const std::string secret = token ? token->value : std::string{};
  std::string out = fmt::format("# config file: {}\n", config_file.value_or("none"));
  for (const auto& spec : option_table()) {
    const auto& s = settings.at(std::string(spec.name));
    const auto value = redact(s.value.empty() ? "\"\"" : s.value, secret);
    out += fmt::format("{:<16} = {:<40} # {}\n", spec.name, value, redact(s.origin, secret));
  }
  out += fmt::format("{:<16} = {:<40} # {}\n", "token", token ? "hf_*** (set)" : "(none)",
                     token ? token->origin : "HF_TOKEN, HUGGING_FACE_HUB_TOKEN, token file");
  return out;
}

}  // namespace synthgen
