// The Hub's repo and commit API (huggingface_hub hf_api.py create_repo, _commit_api.py
// _fetch_upload_modes and create_commit): create, preupload, the LFS uploads (io/hub_lfs), commit.
#include "synthgen/io/hub_upload.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "synthgen/core/secrets.hpp"
#include "synthgen/io/dataset_source.hpp"
#include "synthgen/io/digest.hpp"
#include "synthgen/io/files.hpp"
#include "synthgen/io/hub_lfs.hpp"
#include "synthgen/io/inference_api.hpp"

namespace synthgen {
namespace {

// preupload's "sample": the first 512 bytes (huggingface_hub _commit_api.py UploadInfo.from_bytes: `sample=data[:512]`).
constexpr std::size_t sample_bytes = 512;

HttpRequest hub_request(std::string url, std::string body, const std::string& token, std::string_view content_type) {
  HttpRequest request;
  request.url = std::move(url);
  request.body = std::move(body);
  // "Expect:" off: no 100-continue round trip before a commit's body.
  const std::string user_agent = "User-Agent: synthgen/" SYNTHGEN_VERSION;
  request.headers = HeaderList(
      {"Content-Type: " + std::string(content_type), "Accept: application/json", "Expect:", "Authorization: Bearer " + token, user_agent});
  return request;
}

std::string api_url(const HubTarget& t, std::string_view what) {
  return fmt::format("{}/api/datasets/{}/{}/{}", t.endpoint, t.repo.id(), what, url_escape(t.revision));
}

HttpResponse send(HttpPool& pool, HttpRequest request) { return pool.fetch(std::move(request)); }

// preupload's facts of a file: from memory, or the file's size and first bytes (never the whole file).
std::expected<UploadInfo, std::string> upload_info(const HubFile& file) {
  if (file.file.empty()) return UploadInfo{file.path, file.content.size(), file.content.substr(0, sample_bytes)};
  std::error_code error;
  const auto size = std::filesystem::file_size(file.file, error);
  if (error) return std::unexpected("cannot read " + file.file + ": " + error.message());
  std::ifstream in(file.file, std::ios::binary);
  std::string sample(std::min<std::uintmax_t>(size, sample_bytes), '\0');
  if (!in.read(sample.data(), static_cast<std::streamsize>(sample.size()))) return std::unexpected("cannot read " + file.file);
  return UploadInfo{file.path, size, std::move(sample)};
}

// The LFS object of a file: its SHA-256, streamed from disk for a file (huggingface_hub UploadInfo.sha256).
std::expected<LfsObject, std::string> lfs_object(const HubFile& file) {
  if (file.file.empty()) return LfsObject{file.path, sha256_hex(file.content), file.content.size()};
  auto digest = file_sha256(file.file);
  if (!digest) return std::unexpected(digest.error());
  return LfsObject{file.path, std::move(digest->sha256), digest->size};
}

// Splits the files into those committed inline (their bytes in memory: the Hub keeps those small)
// and the LFS objects.
struct CommitParts {
  std::vector<HubFile> regular;
  std::vector<LfsObject> lfs;
};
std::expected<CommitParts, std::string> commit_parts(std::span<const HubFile> files, const std::vector<std::string>& lfs_paths) {
  CommitParts parts;
  for (const auto& file : files) {
    if (std::ranges::find(lfs_paths, file.path) != lfs_paths.end()) {
      auto object = lfs_object(file);
      if (!object) return std::unexpected(object.error());
      parts.lfs.push_back(std::move(*object));
    } else if (file.file.empty()) {
      parts.regular.push_back(file);
    } else {
      auto content = read_file(file.file);
      if (!content) return std::unexpected(content.error());
      parts.regular.push_back(HubFile{file.path, std::move(*content), {}});
    }
  }
  return parts;
}

}  // namespace

HubError hub_failure(std::string_view step, const HubTarget& t, const HttpResponse& r, const std::string& token) {
  const auto say = [&](HubFailure kind, const std::string& text) { return HubError{kind, redact(text, token)}; };
  if (!r.transport_error.empty())
    return say(HubFailure::service,
               fmt::format("{} failed: cannot reach the Hub at {}: {}", step, redact_url(t.endpoint), r.transport_error));
  const auto detail = service_error_text(r.body);
  const auto said = detail.empty() ? std::string() : " (" + detail + ")";
  switch (r.status) {
    case 401:
      return say(HubFailure::auth, fmt::format("the Hub refused the token for {} (401){}: set HF_TOKEN to a token with write access "
                                               "(`hf auth login`, or a fine-grained token with write access to {})",
                                               step, said, t.repo.owner));
    case 403:
      return say(HubFailure::auth, fmt::format("the token may not write to {} (403 on {}){}: push to your own namespace or an "
                                               "organization you can write to, or use a token with write access to {}",
                                               t.repo.id(), step, said, t.repo.owner));
    case 413: return say(HubFailure::too_large, fmt::format("the Hub refused the commit as too large (413){}", said));
    default: return say(HubFailure::service, fmt::format("{} failed: the Hub answered {}{}", step, r.status, said));
  }
}

std::string create_repo_body(const HubTarget& target) {
  // huggingface_hub create_repo (hf_api.py, 2026-08): {"name", "organization", "type"}, and "visibility"
  // only when private= is given; without --private the Hub's default applies (an org's may be private),
  // as datasets' push_to_hub(private=None) leaves it. (Older releases sent "private": bool.)
  nlohmann::json body{{"name", target.repo.name}, {"organization", target.repo.owner}, {"type", "dataset"}};
  if (target.private_repo) body["visibility"] = "private";
  return body.dump();
}

std::string preupload_body(std::span<const UploadInfo> files) {
  // _fetch_upload_modes: {"files": [{"path", "sample": b64(first 512 bytes), "size"}]}.
  auto list = nlohmann::json::array();
  for (const auto& file : files) {
    list.push_back(
        {{"path", file.path}, {"sample", base64_encode(std::string_view(file.sample).substr(0, sample_bytes))}, {"size", file.size}});
  }
  return nlohmann::json{{"files", std::move(list)}}.dump();
}

std::expected<std::vector<std::string>, std::string> lfs_paths(std::string_view preupload_answer) {
  const auto answer = nlohmann::json::parse(preupload_answer, nullptr, false);
  if (!answer.is_object() || !answer.contains("files") || !answer["files"].is_array())
    return std::unexpected("the preupload answer has no files list");
  std::vector<std::string> lfs;
  for (const auto& file : answer["files"]) {
    if (!file.is_object() || !file.contains("path") || !file["path"].is_string() || !file.contains("uploadMode") ||
        !file["uploadMode"].is_string())
      return std::unexpected("a file of the preupload answer has no path or uploadMode");
    const auto mode = file["uploadMode"].get<std::string>();
    if (mode == "lfs")
      lfs.push_back(file["path"].get<std::string>());
    else if (mode != "regular")
      return std::unexpected("the preupload answer's uploadMode '" + mode + "' is not regular or lfs");
  }
  return lfs;
}

std::string commit_body(std::string_view summary, std::string_view description, std::span<const HubFile> regular,
                        std::span<const LfsObject> lfs) {
  // _prepare_commit_payload: a header line, then one "file" line per regular file, base64, and one
  // "lfsFile" line per LFS file (case 2.b: path, algo "sha256", oid, size).
  std::string body = nlohmann::json{{"key", "header"}, {"value", {{"summary", summary}, {"description", description}}}}.dump() + "\n";
  for (const auto& object : lfs) {
    body += nlohmann::json{{"key", "lfsFile"},
                           {"value", {{"path", object.path}, {"algo", "sha256"}, {"oid", object.oid}, {"size", object.size}}}}
                .dump() +
            "\n";
  }
  for (const auto& file : regular) {
    body +=
        nlohmann::json{{"key", "file"}, {"value", {{"content", base64_encode(file.content)}, {"path", file.path}, {"encoding", "base64"}}}}
            .dump() +
        "\n";
  }
  return body;
}

std::expected<std::string, HubError> push_files(HttpPool& pool, const HubTarget& t, const std::string& token,
                                                std::span<const HubFile> files, std::string_view summary) {
  // 1. POST /api/repos/create; 409: it exists already, which is fine (create_repo(exist_ok=True)).
  auto created = send(pool, hub_request(t.endpoint + "/api/repos/create", create_repo_body(t), token, "application/json"));
  if (!created.ok() && created.status != 409) return std::unexpected(hub_failure("creating dataset " + t.repo.id(), t, created, token));
  spdlog::info("{} dataset repo {}", created.status == 409 ? "pushing to the existing" : "created the", t.repo.id());
  // 2. POST /api/datasets/{repo}/preupload/{revision}: regular or LFS, file by file.
  std::vector<UploadInfo> infos;
  for (const auto& file : files) {
    auto info = upload_info(file);
    if (!info) return std::unexpected(HubError{HubFailure::service, info.error()});
    infos.push_back(std::move(*info));
  }
  auto modes = send(pool, hub_request(api_url(t, "preupload"), preupload_body(infos), token, "application/json"));
  if (!modes.ok()) return std::unexpected(hub_failure("asking how to upload the files (preupload)", t, modes, token));
  const auto lfs = lfs_paths(modes.body);
  if (!lfs) return std::unexpected(HubError{HubFailure::service, "the Hub's preupload answer is unreadable: " + lfs.error()});
  // 3. The LFS files: hashed, then uploaded through the LFS batch API unless the Hub has them.
  const auto parts = commit_parts(files, *lfs);
  if (!parts) return std::unexpected(HubError{HubFailure::service, parts.error()});
  if (auto uploaded = upload_lfs_objects(pool, t, token, files, parts->lfs); !uploaded) return std::unexpected(uploaded.error());
  // 4. POST /api/datasets/{repo}/commit/{revision}: every file in one commit (NDJSON).
  auto committed =
      send(pool, hub_request(api_url(t, "commit"), commit_body(summary, "", parts->regular, parts->lfs), token, "application/x-ndjson"));
  if (!committed.ok()) return std::unexpected(hub_failure("committing the files", t, committed, token));
  const auto answer = nlohmann::json::parse(committed.body, nullptr, false);
  if (answer.is_object() && answer.contains("commitUrl") && answer["commitUrl"].is_string()) return answer["commitUrl"].get<std::string>();
  return std::string();
}

}  // namespace synthgen
