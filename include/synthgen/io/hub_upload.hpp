// Publishing files as a dataset repo on the Hub, as huggingface_hub's HfApi does it: create the repo,
// ask how each file goes up (preupload), then one commit of them all (NDJSON). Files the Hub wants in
// Git LFS are refused with a clear error (synthgen does not speak the LFS batch API yet: `hf upload` does).
#pragma once

#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "synthgen/core/dataset_card.hpp"
#include "synthgen/io/http_pool.hpp"

namespace synthgen {

struct HubTarget {
  std::string endpoint;  // the Hub's base URL (--hub-endpoint, HF_ENDPOINT)
  HubRepoId repo;
  std::string revision = "main";
  bool private_repo = false;
};

struct HubFile {
  std::string path;     // in the repo: "data/train.csv"
  std::string content;  // the bytes
};

enum class HubFailure { auth, service, too_large, needs_lfs };

struct HubError {
  HubFailure kind;
  std::string message;  // redacted; says what to do
};

// The request bodies and the preupload answer, one function each (unit-tested).
std::string create_repo_body(const HubTarget& target);
std::string preupload_body(std::span<const HubFile> files);
// The paths the Hub wants uploaded through Git LFS; an error when the answer is not the preupload shape.
std::expected<std::vector<std::string>, std::string> lfs_paths(std::string_view preupload_answer);
std::string commit_body(std::string_view summary, std::string_view description, std::span<const HubFile> files);

// Create (or find) the repo, then commit `files` to target.revision in one commit. Returns the
// commit's URL as the Hub gives it (empty when it gives none).
std::expected<std::string, HubError> push_files(HttpPool& pool, const HubTarget& target, const std::string& token,
                                                std::span<const HubFile> files, std::string_view summary);

}  // namespace synthgen
