// The repo id of --push-to-hub and the licenses of known sources; pure.
#include "synthgen/core/hub_repo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstddef>

namespace synthgen {
namespace {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_id_char(char c) { return is_word_char(c) || c == '-' || c == '.'; }

// huggingface_hub's REPO_ID_REGEX part `\b[\w\-.]{1,96}\b` and its "--" / ".." rule.
std::string part_problem(std::string_view part, std::string_view what, std::size_t longest) {
  if (part.empty()) return std::string(what) + " is empty";
  if (part.size() > longest) return fmt::format("{} is longer than {} characters", what, longest);
  if (!std::ranges::all_of(part, is_id_char)) return std::string(what) + " may hold only letters, digits, '-', '_' and '.'";
  if (!is_word_char(part.front()) || !is_word_char(part.back())) return std::string(what) + " must start and end with a letter or digit";
  if (part.find("--") != std::string_view::npos || part.find("..") != std::string_view::npos)
    return std::string(what) + " may not hold \"--\" or \"..\"";
  return {};
}

}  // namespace

std::expected<HubRepoId, std::string> parse_hub_repo_id(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || text.find('/', slash + 1) != std::string_view::npos)
    return std::unexpected("'" + std::string(text) + "' is not OWNER/NAME (a user or organization, a slash, the dataset's name)");
  const auto owner = text.substr(0, slash);
  const auto name = text.substr(slash + 1);
  for (const auto& problem : {part_problem(owner, "OWNER", 96), part_problem(name, "NAME", 96)}) {
    if (!problem.empty()) return std::unexpected("'" + std::string(text) + "' is not OWNER/NAME: " + problem);
  }
  return HubRepoId{std::string(owner), std::string(name)};
}

std::optional<std::string> known_license(std::string_view dataset) {
  // The card of takala/financial_phrasebank says license: cc-by-nc-sa-3.0.
  if (dataset == "takala/financial_phrasebank") return "cc-by-nc-sa-3.0";
  return std::nullopt;
}

}  // namespace synthgen
