// Publishing files as a dataset repo on the Hub, as huggingface_hub's HfApi does it: create the repo,
// ask how each file goes up (preupload), upload the files the Hub wants in Git LFS (io/hub_lfs), then
// one commit of them all (NDJSON).
#pragma once

#include <cstdint>
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
  std::string content;  // the bytes, when `file` is empty
  std::string file;     // else a local file holding them, read as it is sent (an LFS upload streams it)
};

// What preupload is told of a file (huggingface_hub lfs.py UploadInfo): its size and first 512 bytes.
struct UploadInfo {
  std::string path;
  std::uint64_t size = 0;
  std::string sample;
};

// A file that goes through Git LFS, as the commit names it: SHA-256 (the oid) and size.
struct LfsObject {
  std::string path;
  std::string oid;
  std::uint64_t size = 0;
};

enum class HubFailure { auth, service, too_large };

struct HubError {
  HubFailure kind;
  std::string message;  // redacted; says what to do
};

// The request bodies and the preupload answer, one function each (unit-tested).
std::string create_repo_body(const HubTarget& target);
std::string preupload_body(std::span<const UploadInfo> files);
// The paths the Hub wants uploaded through Git LFS; an error when the answer is not the preupload shape.
std::expected<std::vector<std::string>, std::string> lfs_paths(std::string_view preupload_answer);
// A header line, a "file" line per regular file (its content base64), an "lfsFile" line per LFS object.
std::string commit_body(std::string_view summary, std::string_view description, std::span<const HubFile> regular,
                        std::span<const LfsObject> lfs = {});

// A refused or failed request to the Hub as an error a user can act on (401, 403, 413, ...); never the token.
HubError hub_failure(std::string_view step, const HubTarget& target, const HttpResponse& response, const std::string& token);

// Create (or find) the repo, then commit `files` to target.revision in one commit. Returns the
// commit's URL as the Hub gives it (empty when it gives none).
std::expected<std::string, HubError> push_files(HttpPool& pool, const HubTarget& target, const std::string& token,
                                                std::span<const HubFile> files, std::string_view summary);

}  // namespace synthgen
