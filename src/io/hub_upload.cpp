// The Hub's repo and commit API (huggingface_hub hf_api.py create_repo, _commit_api.py
// _fetch_upload_modes and create_commit): three requests, one wire format.
#include "synthgen/io/hub_upload.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "synthgen/core/secrets.hpp"
#include "synthgen/io/dataset_source.hpp"
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

// A refused or failed request as an error a user can act on; never the token.
HubError failure(std::string_view step, const HubTarget& t, const HttpResponse& r, const std::string& token) {
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

HttpResponse send(HttpPool& pool, HttpRequest request) { return pool.fetch(std::move(request)); }

}  // namespace

std::string create_repo_body(const HubTarget& target) {
  // huggingface_hub create_repo (hf_api.py, 2026-08): {"name", "organization", "type"}, and "visibility"
  // only when private= is given; without --private the Hub's default applies (an org's may be private),
  // as datasets' push_to_hub(private=None) leaves it. (Older releases sent "private": bool.)
  nlohmann::json body{{"name", target.repo.name}, {"organization", target.repo.owner}, {"type", "dataset"}};
  if (target.private_repo) body["visibility"] = "private";
  return body.dump();
}

std::string preupload_body(std::span<const HubFile> files) {
  // _fetch_upload_modes: {"files": [{"path", "sample": b64(first 512 bytes), "size"}]}.
  auto list = nlohmann::json::array();
  for (const auto& file : files) {
    list.push_back({{"path", file.path},
                    {"sample", base64_encode(std::string_view(file.content).substr(0, sample_bytes))},
                    {"size", file.content.size()}});
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

std::string commit_body(std::string_view summary, std::string_view description, std::span<const HubFile> files) {
  // _prepare_commit_payload: a header line, then one "file" line per regular file, base64.
  std::string body = nlohmann::json{{"key", "header"}, {"value", {{"summary", summary}, {"description", description}}}}.dump() + "\n";
  for (const auto& file : files) {
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
  if (!created.ok() && created.status != 409) return std::unexpected(failure("creating dataset " + t.repo.id(), t, created, token));
  spdlog::info("{} dataset repo {}", created.status == 409 ? "pushing to the existing" : "created the", t.repo.id());
  // 2. POST /api/datasets/{repo}/preupload/{revision}: regular or LFS, file by file.
  auto modes = send(pool, hub_request(api_url(t, "preupload"), preupload_body(files), token, "application/json"));
  if (!modes.ok()) return std::unexpected(failure("asking how to upload the files (preupload)", t, modes, token));
  const auto lfs = lfs_paths(modes.body);
  if (!lfs) return std::unexpected(HubError{HubFailure::service, "the Hub's preupload answer is unreadable: " + lfs.error()});
  if (!lfs->empty())
    return std::unexpected(
        HubError{HubFailure::needs_lfs, "the Hub wants " + lfs->front() + " uploaded through Git LFS, which synthgen does not do yet"});
  // 3. POST /api/datasets/{repo}/commit/{revision}: every file in one commit (NDJSON).
  auto committed = send(pool, hub_request(api_url(t, "commit"), commit_body(summary, "", files), token, "application/x-ndjson"));
  if (!committed.ok()) return std::unexpected(failure("committing the files", t, committed, token));
  const auto answer = nlohmann::json::parse(committed.body, nullptr, false);
  if (answer.is_object() && answer.contains("commitUrl") && answer["commitUrl"].is_string()) return answer["commitUrl"].get<std::string>();
  return std::string();
}

}  // namespace synthgen
