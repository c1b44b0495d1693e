// Git LFS uploads for a Hub commit: the batch request and answer (huggingface_hub lfs.py
// post_lfs_batch_info and its _validate_* checks), the PUT to storage (_upload_single_part) and the
// verify call (lfs_upload), one object at a time.
#include "synthgen/io/hub_lfs.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "synthgen/core/secrets.hpp"
#include "synthgen/io/inference_api.hpp"

namespace synthgen {
namespace {

// huggingface_hub lfs.py LFS_HEADERS: the batch API speaks Git LFS's media type both ways.
constexpr std::string_view lfs_media_type = "application/vnd.git-lfs+json";

// "https://host:port/path?query" -> "https://host:port": storage URLs are signed in their query,
// which is as good as a password for a while, so errors and logs name the server alone.
std::string origin_of(std::string_view url) {
  const auto scheme = url.find("://");
  const auto path = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  return redact_url(url.substr(0, path));
}

std::vector<std::string> header_lines(const LfsAction& action) {
  std::vector<std::string> lines;
  lines.reserve(action.header.size() + 1);
  for (const auto& [name, value] : action.header) lines.push_back(fmt::format("{}: {}", name, value));
  lines.emplace_back("Expect:");  // no 100-continue round trip before the body
  return lines;
}

std::expected<LfsAction, std::string> read_action(const nlohmann::json& json, std::string_view what) {
  // _validate_lfs_action: href a string, header absent or an object.
  if (!json.is_object() || !json.contains("href") || !json["href"].is_string())
    return std::unexpected(fmt::format("its {} action has no href", what));
  LfsAction action{json["href"].get<std::string>(), {}};
  if (!json.contains("header") || json["header"].is_null()) return action;
  if (!json["header"].is_object()) return std::unexpected(fmt::format("its {} action's header is not an object", what));
  for (const auto& [name, value] : json["header"].items()) {
    const auto text = value.is_string() ? value.get<std::string>() : value.dump();
    if ((name + text).find_first_of("\r\n") != std::string::npos)
      return std::unexpected(fmt::format("its {} action's header {} holds a line break", what, name));
    action.header.emplace_back(name, text);
  }
  return action;
}

std::expected<LfsBatchObject, std::string> read_object(const nlohmann::json& json) {
  // _validate_batch_actions / _validate_batch_error: oid a string, size an integer.
  if (!json.is_object() || !json.contains("oid") || !json["oid"].is_string() || !json.contains("size") ||
      !json["size"].is_number_unsigned())
    return std::unexpected("an object has no oid or size");
  LfsBatchObject object{json["oid"].get<std::string>(), json["size"].get<std::uint64_t>(), {}, {}, false, {}};
  if (json.contains("error")) {
    const auto& error = json["error"];
    if (!error.is_object() || !error.contains("code") || !error["code"].is_number_integer() || !error.contains("message") ||
        !error["message"].is_string())
      return std::unexpected("object " + object.oid + " has an error without code and message");
    object.error = {error["code"].get<long>(), error["message"].get<std::string>()};
    return object;
  }
  if (!json.contains("actions") || json["actions"].is_null()) return object;  // the Hub has it already
  const auto& actions = json["actions"];
  if (!actions.is_object()) return std::unexpected("object " + object.oid + " has actions that are not an object");
  for (const auto& [name, slot] : {std::pair{"upload", &object.upload}, std::pair{"verify", &object.verify}}) {
    if (!actions.contains(name)) continue;
    auto action = read_action(actions[name], name);
    if (!action) return std::unexpected("object " + object.oid + ": " + action.error());
    *slot = std::move(*action);
  }
  // lfs_upload: a chunk_size in the upload's header means HF's multipart transfer.
  if (object.upload) object.multipart = std::ranges::any_of(object.upload->header, [](const auto& h) { return h.first == "chunk_size"; });
  return object;
}

std::string paths_of(std::span<const LfsObject> objects) {
  std::string paths;
  for (const auto& object : objects) paths += (paths.empty() ? "" : ", ") + object.path;
  return paths;
}

// What storage said: S3's XML error document as "Code: Message", else the body as other services'.
std::string storage_error_text(std::string_view body) {
  const auto element = [&](std::string_view name) {
    const auto open = fmt::format("<{}>", name);
    const auto start = body.find(open);
    const auto end = body.find(fmt::format("</{}>", name));
    if (start == std::string_view::npos || end == std::string_view::npos || end < start) return std::string();
    return std::string(body.substr(start + open.size(), end - start - open.size()));
  };
  const auto code = element("Code");
  const auto message = element("Message");
  if (code.empty() && message.empty()) return service_error_text(body);
  return code.empty() || message.empty() ? code + message : code + ": " + message;
}

const HubFile* file_at(std::span<const HubFile> files, const std::string& path) {
  const auto found = std::ranges::find(files, path, &HubFile::path);
  return found == files.end() ? nullptr : &*found;
}

// A PUT that storage may take if sent again: no answer, or a 5xx of a gateway or an overloaded server
// (huggingface_hub http_backoff's retry_on_status_codes and retry_on_exceptions).
bool transient(const HttpResponse& put) {
  return (!put.transport_error.empty() && !put.too_large) || put.status == 500 || put.status == 502 || put.status == 503 ||
         put.status == 504;
}

// _upload_single_part: `PUT href` with the file's bytes and the action's headers, never the Hub's token.
// A transient failure is tried again, up to three times in all, after 1 s then 2 s ("S3 might raise a
// transient 500 error -> let's retry", as lfs.py does through http_backoff).
std::expected<void, HubError> put_object(HttpPool& pool, const LfsAction& upload, const HubFile& file, const LfsObject& object) {
  constexpr int attempts = 3;
  HttpResponse put;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    HttpRequest request;
    request.url = upload.href;
    request.method = HttpMethod::put;
    request.secret_query = true;  // S3's presigned URLs carry their signature in the query
    if (file.file.empty())
      request.body = file.content;
    else
      request.file = FileBody{file.file, 0, object.size};
    request.headers = HeaderList(header_lines(upload));
    put = pool.fetch(std::move(request));
    if (put.ok()) return {};
    if (!transient(put) || attempt == attempts) break;
    spdlog::warn("uploading {} to the Hub's storage failed ({}): trying again", object.path,
                 put.transport_error.empty() ? std::to_string(put.status) : put.transport_error);
    std::this_thread::sleep_for(std::chrono::seconds(attempt));
  }
  const auto where = origin_of(upload.href);
  if (!put.transport_error.empty())
    return std::unexpected(HubError{
        HubFailure::service, fmt::format("uploading {} to the Hub's storage at {} failed: {}", object.path, where, put.transport_error)});
  const auto detail = storage_error_text(put.body);
  return std::unexpected(
      HubError{HubFailure::service, fmt::format("uploading {} to the Hub's storage failed: {} answered {}{}", object.path, where,
                                                put.status, detail.empty() ? "" : " (" + detail + ")")});
}

// lfs_upload's step 3: `POST verify.href {"oid","size"}` with the Hub's headers. The token goes only to
// the Hub itself (huggingface_hub sends it wherever the href points; here a foreign host gets none).
std::expected<void, HubError> verify_object(HttpPool& pool, const HubTarget& t, const std::string& token, const LfsAction& verify,
                                            const LfsObject& object) {
  auto lines = header_lines(verify);
  lines.emplace_back("Content-Type: application/json");
  lines.emplace_back("Accept: application/json");
  if (origin_of(verify.href) == origin_of(t.endpoint)) lines.push_back("Authorization: Bearer " + token);
  HttpRequest request;
  request.url = verify.href;
  request.body = nlohmann::json{{"oid", object.oid}, {"size", object.size}}.dump();
  request.headers = HeaderList(lines);
  const auto verified = pool.fetch(std::move(request));
  if (verified.ok()) return {};
  return std::unexpected(hub_failure("verifying the upload of " + object.path, t, verified, token));
}

std::string batch_errors(std::span<const LfsBatchObject> answer, std::span<const LfsObject> objects) {
  std::string text;
  for (const auto& object : answer) {
    if (!object.error) continue;
    const auto asked = std::ranges::find(objects, object.oid, &LfsObject::oid);
    const auto name = asked == objects.end() ? "object " + object.oid : asked->path;
    text += fmt::format("{}{}: {} ({})", text.empty() ? "" : "; ", name, object.error->second, object.error->first);
  }
  return text;
}

std::expected<void, HubError> upload_one(HttpPool& pool, const HubTarget& t, const std::string& token, std::span<const HubFile> files,
                                         const LfsBatchObject& answered, const LfsObject& object) {
  if (!answered.upload) {
    // _upload_lfs_files: an object without actions is in the Hub's storage already.
    spdlog::info("{} is on the Hub already (LFS object {}): not uploaded again", object.path, object.oid.substr(0, 12));
    return {};
  }
  if (answered.multipart)
    return std::unexpected(HubError{HubFailure::service, "the Hub's LFS batch API answered a multipart upload for " + object.path +
                                                             ", which synthgen did not ask for (it asks for the basic transfer only)"});
  const auto* file = file_at(files, object.path);
  if (file == nullptr) return std::unexpected(HubError{HubFailure::service, "no bytes for the LFS object " + object.path});
  spdlog::info("uploading {} ({} bytes) through Git LFS", object.path, object.size);
  if (auto put = put_object(pool, *answered.upload, *file, object); !put) return put;
  if (answered.verify) return verify_object(pool, t, token, *answered.verify, object);
  return {};
}

}  // namespace

std::string lfs_batch_body(std::span<const LfsObject> objects, std::string_view revision) {
  // post_lfs_batch_info's payload. Only the "basic" transfer (one PUT per object) is asked for: the
  // files synthgen pushes are CSVs, far below the 5 GB that one PUT to S3 takes, and a server that
  // is not asked for "multipart" answers single PUTs, as it does for git itself.
  auto list = nlohmann::json::array();
  for (const auto& object : objects) list.push_back({{"oid", object.oid}, {"size", object.size}});
  return nlohmann::json{{"operation", "upload"},
                        {"transfers", {"basic"}},
                        {"objects", std::move(list)},
                        {"hash_algo", "sha256"},
                        {"ref", {{"name", revision}}}}
      .dump();
}

std::expected<std::vector<LfsBatchObject>, std::string> read_lfs_batch_answer(std::string_view answer) {
  const auto json = nlohmann::json::parse(answer, nullptr, false);
  if (!json.is_object() || !json.contains("objects") || !json["objects"].is_array()) return std::unexpected("it has no objects list");
  std::vector<LfsBatchObject> objects;
  objects.reserve(json["objects"].size());
  for (const auto& item : json["objects"]) {
    auto object = read_object(item);
    if (!object) return std::unexpected(object.error());
    objects.push_back(std::move(*object));
  }
  return objects;
}

std::expected<void, HubError> upload_lfs_objects(HttpPool& pool, const HubTarget& t, const std::string& token,
                                                 std::span<const HubFile> files, std::span<const LfsObject> objects) {
  if (objects.empty()) return {};
  // One batch request for every object (huggingface_hub asks in chunks of 256; a commit here has at most three files).
  HttpRequest request;
  request.url = fmt::format("{}/datasets/{}.git/info/lfs/objects/batch", t.endpoint, t.repo.id());
  request.body = lfs_batch_body(objects, t.revision);
  const std::string user_agent = "User-Agent: synthgen/" SYNTHGEN_VERSION;
  request.headers = HeaderList({fmt::format("Accept: {}", lfs_media_type), fmt::format("Content-Type: {}", lfs_media_type),
                                "Expect:", "Authorization: Bearer " + token, user_agent});
  const auto answer = pool.fetch(std::move(request));
  if (!answer.ok())
    return std::unexpected(hub_failure("asking the Hub's LFS batch API where to upload " + paths_of(objects), t, answer, token));
  const auto batch = read_lfs_batch_answer(answer.body);
  if (!batch) return std::unexpected(HubError{HubFailure::service, "the Hub's LFS batch answer is unreadable: " + batch.error()});
  // _upload_lfs_files: any object's error stops the upload, every error said.
  if (const auto errors = batch_errors(*batch, objects); !errors.empty())
    return std::unexpected(HubError{HubFailure::service, redact("the Hub's LFS batch API refused " + errors, token)});
  for (const auto& object : objects) {
    const auto answered = std::ranges::find(*batch, object.oid, &LfsBatchObject::oid);
    if (answered == batch->end())
      return std::unexpected(HubError{HubFailure::service, "the Hub's LFS batch answer does not mention " + object.path});
    if (auto done = upload_one(pool, t, token, files, *answered, object); !done) return done;
  }
  return {};
}

}  // namespace synthgen
