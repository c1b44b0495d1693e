// Git LFS uploads for a Hub commit, as huggingface_hub's lfs.py does them (post_lfs_batch_info,
// lfs_upload; git-lfs docs/api/batch.md): ask the batch endpoint what to send, PUT each object the
// Hub lacks to storage, verify it; the commit then names each object in an "lfsFile" line.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synthgen/io/http_pool.hpp"
#include "synthgen/io/hub_upload.hpp"

namespace synthgen {

// Where the batch answer says to send a request, with the headers to send along.
struct LfsAction {
  std::string href;
  std::vector<std::pair<std::string, std::string>> header;
};

// One object of the batch answer: an error, or the actions left to do (none: the Hub has it).
struct LfsBatchObject {
  std::string oid;
  std::uint64_t size = 0;
  std::optional<LfsAction> upload;
  std::optional<LfsAction> verify;
  bool multipart = false;                             // the upload's header has a chunk_size: HF's multipart transfer
  std::optional<std::pair<long, std::string>> error;  // code, message
};

// The request to POST {endpoint}/datasets/{repo}.git/info/lfs/objects/batch.
std::string lfs_batch_body(std::span<const LfsObject> objects, std::string_view revision);
// The batch answer's objects; an error when it is not the batch answer's shape.
std::expected<std::vector<LfsBatchObject>, std::string> read_lfs_batch_answer(std::string_view answer);

// Uploads the objects the Hub lacks. `files` holds each object's bytes (by path). The batch and
// verify requests carry the token; the PUT to storage carries only the headers the Hub gave for it.
std::expected<void, HubError> upload_lfs_objects(HttpPool& pool, const HubTarget& target, const std::string& token,
                                                 std::span<const HubFile> files, std::span<const LfsObject> objects);

}  // namespace synthgen
