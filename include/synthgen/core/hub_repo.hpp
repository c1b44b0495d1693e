// A dataset repo on the Hub: its id, checked as huggingface_hub checks it, and the license of a
// source synthgen knows. Apart from the card so the run's config can name a repo.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace synthgen {

struct HubRepoId {
  std::string owner;  // a user or an organization
  std::string name;
  [[nodiscard]] std::string id() const { return owner + "/" + name; }
};

// OWNER/NAME, each part letters, digits, '-', '_' and '.', not starting or ending with '-' or '.',
// without "--" or "..", the name 96 characters at most (huggingface_hub utils/_validators.py
// validate_repo_id; the owner is required here: a push names the namespace it writes to).
std::expected<HubRepoId, std::string> parse_hub_repo_id(std::string_view text);

// The Hub's license of a source dataset synthgen knows, else nullopt (then --license must say).
std::optional<std::string> known_license(std::string_view dataset);

}  // namespace synthgen
