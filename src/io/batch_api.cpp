// The Batch API over one libcurl easy handle per attempt (a handful of calls, none in parallel),
// with io/http_pool's TLS settings and core/retry's waits. What may be sent again differs by call:
// a GET always may, an upload may cost a second copy of the file, a batch may cost a second bill.
#include "synthgen/io/batch_api.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "synthgen/core/random.hpp"
#include "synthgen/core/retry.hpp"
#include "synthgen/core/secrets.hpp"
#include "synthgen/io/files.hpp"
#include "synthgen/io/http_date.hpp"
#include "synthgen/io/http_pool.hpp"
#include "synthgen/io/inference_api.hpp"
#include "synthgen/io/interrupt.hpp"

namespace synthgen {
namespace {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct MimeDeleter {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};

// A JSON answer (a batch or file object, a few KiB) is kept up to this; an error answer's first
// bytes are kept for its message and the rest dropped.
constexpr std::size_t max_answer_bytes = std::size_t{8} << 20;
constexpr std::size_t max_error_bytes = std::size_t{64} << 10;

// Which failures an attempt may be followed by another for.
enum class Resend {
  freely,        // GET: reading twice changes nothing
  upload,        // POST /files: a second upload costs storage, never a batch
  once_created,  // POST /batches: a second batch is paid twice
};

struct Request {
  const char* method = "GET";  // for the debug log
  std::string url{};
  std::string json_body{};    // POST as application/json when set
  std::string upload_path{};  // POST multipart purpose=batch, file=@path when set
  std::string dest_path{};    // a 2xx answer goes to this file (replaced at the end) when set
  Resend resend = Resend::freely;
  std::string what{};  // "reading batch b-1", the start of every message
};

struct Attempt {
  CURL* easy = nullptr;
  AtomicFile* file = nullptr;  // a download's 2xx body goes here
  HttpResponse response;
  bool sent = false;  // some of the request reached the socket: the service may have acted on it
  char error_buffer[CURL_ERROR_SIZE]{};
};

bool success(long status) { return status >= 200 && status < 300; }

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* a = static_cast<Attempt*>(user);
  const auto bytes = size * count;
  long status = 0;
  curl_easy_getinfo(a->easy, CURLINFO_RESPONSE_CODE, &status);
  if (!success(status)) {
    auto& body = a->response.body;
    body.append(data, std::min(bytes, max_error_bytes - std::min(max_error_bytes, body.size())));
  } else if (a->file != nullptr) {
    a->file->append(std::string_view(data, bytes));  // a write failure is reported by commit()
  } else if (bytes > max_answer_bytes - a->response.body.size()) {
    a->response.too_large = true;
    return 0;  // aborts the transfer: CURLE_WRITE_ERROR
  } else {
    a->response.body.append(data, bytes);
  }
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  read_response_header(std::string_view(data, size * count), static_cast<Attempt*>(user)->response);
  return size * count;
}

// A 200 MB upload is stopped by Ctrl-C now, not when it ends.
int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) { return interrupt_signal() != 0 ? 1 : 0; }

// The exchange's options: http_pool's (TLS verification on, a private CA added, never a bypass).
void set_common(CURL* e, Attempt& a, const Request& r, const BatchApiOptions& o, curl_slist* headers) {
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);  // the Authorization header is not sent on to another host
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o.connect_timeout_ms);
  if (r.upload_path.empty() && r.dest_path.empty()) {
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o.timeout_ms);
  } else {  // a file moves for as long as it takes, but never stalls longer than the time-out
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, std::max(1L, o.timeout_ms / 1000));
  }
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(e, CURLOPT_USERAGENT, "synthgen/" SYNTHGEN_VERSION);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, a.error_buffer);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!o.ca_bundle.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, o.ca_bundle.c_str());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &a);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &a);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
}

// One attempt, start to finish.
Attempt perform(const Request& r, const BatchApiOptions& o, AtomicFile* file) {
  Attempt a;
  const std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) {
    a.response.transport_error = "libcurl could not create a transfer";
    return a;
  }
  a.easy = easy.get();
  a.file = file;
  auto lines = o.header_lines;
  // No "Expect: 100-continue" pause before the file: an answer to a refused token arrives either way.
  if (!r.upload_path.empty()) lines.emplace_back("Expect:");
  if (!r.json_body.empty()) lines.emplace_back("Content-Type: application/json");
  const HeaderList headers(lines);
  set_common(a.easy, a, r, o, static_cast<curl_slist*>(headers.native()));
  std::unique_ptr<curl_mime, MimeDeleter> mime;
  if (!r.upload_path.empty()) {
    mime.reset(curl_mime_init(a.easy));
    auto* purpose = curl_mime_addpart(mime.get());
    curl_mime_name(purpose, "purpose");
    curl_mime_data(purpose, "batch", CURL_ZERO_TERMINATED);
    auto* part = curl_mime_addpart(mime.get());
    curl_mime_name(part, "file");
    curl_mime_filedata(part, r.upload_path.c_str());  // read from disk as it is sent; named by its base name
    curl_mime_type(part, "application/jsonl");
    curl_easy_setopt(a.easy, CURLOPT_MIMEPOST, mime.get());
  } else if (!r.json_body.empty()) {
    curl_easy_setopt(a.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.json_body.size()));
    curl_easy_setopt(a.easy, CURLOPT_POSTFIELDS, r.json_body.data());
  }
  const auto started = std::chrono::steady_clock::now();
  const auto result = curl_easy_perform(a.easy);
  auto& response = a.response;
  response.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  curl_easy_getinfo(a.easy, CURLINFO_RESPONSE_CODE, &response.status);
  long request_bytes = 0;
  curl_easy_getinfo(a.easy, CURLINFO_REQUEST_SIZE, &request_bytes);
  a.sent = request_bytes > 0 || response.status != 0;
  if (result != CURLE_OK) {
    response.transport_error = a.error_buffer[0] != '\0' ? a.error_buffer : curl_easy_strerror(result);
    response.timed_out = result == CURLE_OPERATION_TIMEDOUT;
    if (response.too_large) response.transport_error = "the answer is larger than " + std::to_string(max_answer_bytes >> 20) + " MiB";
  }
  spdlog::debug("{} {} -> {} in {} ms{}", r.method, redact_url(r.url), response.status, response.elapsed.count(),
                response.transport_error.empty() ? "" : " (" + response.transport_error + ")");
  return a;
}

bool refusal(long status) { return status == 408 || status == 429 || status == 503; }

// Whether a failed attempt may be followed by another.
bool worth_again(const Request& r, const Attempt& a) {
  const auto& response = a.response;
  if (response.status == 0) {
    // No answer. A GET or an upload goes again (a duplicate upload only costs storage). A batch is
    // created again only if no byte of the request left: once it may have reached the service, a
    // second one could be a second batch, paid twice.
    return r.resend != Resend::once_created || !a.sent;
  }
  if (success(response.status)) return r.resend == Resend::freely;  // a 2xx cut off: the upload or the batch exists
  if (classify_response(response.status, response.body, true) != Verdict::retry) return false;  // 4xx, spent credits
  // 408, 429 and 503 are refusals: the request was not acted on. OpenAI does not document that a
  // 500, 502 or 504 created no batch (a gateway's 504 may well hide one), so those are not resent.
  return r.resend != Resend::once_created || refusal(response.status);
}

std::string attempts_note(int retries) {
  return retries == 0 ? "" : " (after " + std::to_string(retries) + (retries == 1 ? " retry)" : " retries)");
}

BatchApiError error_of(const Request& r, const Attempt& a, int retries) {
  const auto& response = a.response;
  BatchApiError error{static_cast<int>(response.status), "http", "", false};
  if (response.status == 0 || success(response.status)) {
    error.kind = "transport";
    error.message = r.what + " failed: " + response.transport_error + attempts_note(retries);
  } else {
    const auto verdict = classify_response(response.status, response.body, true);
    if (verdict == Verdict::stop_auth) error.kind = "auth";
    if (verdict == Verdict::stop_credits) error.kind = "credits";
    error.auth = verdict == Verdict::stop_auth || verdict == Verdict::stop_credits;
    error.message = r.what + ": the service answered " + std::to_string(response.status) + ": " + service_error_text(response.body) +
                    attempts_note(retries);
  }
  const bool maybe_created = response.status == 0 || success(response.status) || response.status >= 500;
  if (r.resend == Resend::once_created && a.sent && maybe_created && !worth_again(r, a)) {
    error.message +=
        "; not sent again, since the batch may have been created and a second one would be paid twice: look for it "
        "(GET /v1/batches) before creating another";
  }
  return error;
}

// Sleeps `wait`, in steps so that Ctrl-C ends it; false when interrupted.
bool pause(std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (interrupt_signal() == 0) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, std::chrono::milliseconds(100)));
  }
  return false;
}

// The request, attempted up to 1 + max_retries times as its Resend allows. For a download, `file`
// holds the last attempt's (uncommitted) output.
std::expected<HttpResponse, BatchApiError> exchange(const Request& r, const BatchApiOptions& o, std::optional<AtomicFile>& file) {
  const auto seed = std::hash<std::string>{}(r.url);
  for (int attempt = 0;; ++attempt) {
    if (!r.dest_path.empty()) {
      file.reset();  // an earlier attempt's part is dropped
      auto created = AtomicFile::create(r.dest_path);
      if (!created) return std::unexpected(BatchApiError{0, "file", r.what + ": " + created.error(), false});
      file.emplace(std::move(*created));
    }
    auto a = perform(r, o, file ? &*file : nullptr);
    if (a.response.ok()) return std::move(a.response);  // even after Ctrl-C: a batch created is a batch to keep track of
    if (interrupt_signal() != 0) return std::unexpected(BatchApiError{0, "interrupted", r.what + ": interrupted", false});
    if (attempt >= o.max_retries || !worth_again(r, a)) return std::unexpected(error_of(r, a, attempt));
    const auto requested = status_says_when_to_retry(a.response.status)
                               ? server_requested_wait(retry_hints(a.response), seconds_until_http_date)
                               : std::nullopt;
    const auto wait = retry_delay(attempt, requested, derive_seed(seed, static_cast<std::uint64_t>(attempt)), o.max_retry_wait);
    spdlog::debug("{}: retry {} in {} ms", r.what, attempt + 1, wait.count());
    if (!pause(wait)) return std::unexpected(BatchApiError{0, "interrupted", r.what + ": interrupted", false});
  }
}

std::expected<HttpResponse, BatchApiError> exchange(const Request& r, const BatchApiOptions& o) {
  std::optional<AtomicFile> none;
  return exchange(r, o, none);
}

// An id as one path segment: anything but letters, digits and -._~ percent-encoded, so an id that
// holds "/" or "?" cannot name another resource.
std::string path_segment(std::string_view id) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

template <class T>
std::expected<T, BatchApiError> read_answer(const Request& r, const HttpResponse& response,
                                            std::expected<T, std::string> (*parse)(std::string_view)) {
  auto parsed = parse(response.body);
  if (!parsed) return std::unexpected(BatchApiError{static_cast<int>(response.status), "answer", r.what + ": " + parsed.error(), false});
  return std::move(*parsed);
}

}  // namespace

BatchApi::BatchApi(BatchApiOptions options) : options_(std::move(options)) {
  while (options_.endpoint.ends_with('/')) options_.endpoint.pop_back();
}

std::expected<std::string, BatchApiError> BatchApi::upload(const std::string& jsonl_path) {
  const Request r{.method = "POST",
                  .url = options_.endpoint + "/files",
                  .upload_path = jsonl_path,
                  .resend = Resend::upload,
                  .what = "uploading " + jsonl_path};
  // curl reads the file only while sending: a missing one is said now, not as a transport error.
  if (::access(jsonl_path.c_str(), R_OK) != 0) return std::unexpected(BatchApiError{0, "file", r.what + ": cannot read the file", false});
  const auto response = exchange(r, options_);
  if (!response) return std::unexpected(response.error());
  return read_answer<std::string>(r, *response, parse_file_object);
}

std::expected<BatchInfo, BatchApiError> BatchApi::create(const std::string& input_file_id,
                                                         const std::vector<std::pair<std::string, std::string>>& metadata) {
  const Request r{.method = "POST",
                  .url = options_.endpoint + "/batches",
                  .json_body = create_batch_body(input_file_id, metadata),
                  .resend = Resend::once_created,
                  .what = "creating a batch from " + input_file_id};
  const auto response = exchange(r, options_);
  if (!response) return std::unexpected(response.error());
  return read_answer<BatchInfo>(r, *response, parse_batch_object);
}

std::expected<BatchInfo, BatchApiError> BatchApi::get(const std::string& batch_id) {
  const Request r{.url = options_.endpoint + "/batches/" + path_segment(batch_id), .what = "reading batch " + batch_id};
  const auto response = exchange(r, options_);
  if (!response) return std::unexpected(response.error());
  return read_answer<BatchInfo>(r, *response, parse_batch_object);
}

std::expected<void, BatchApiError> BatchApi::download(const std::string& file_id, const std::string& dest_path) {
  const Request r{.url = options_.endpoint + "/files/" + path_segment(file_id) + "/content",
                  .dest_path = dest_path,
                  .what = "downloading file " + file_id + " to " + output_name(dest_path)};
  std::optional<AtomicFile> file;
  const auto response = exchange(r, options_, file);
  if (!response) return std::unexpected(response.error());
  if (!file) return std::unexpected(BatchApiError{0, "file", r.what + ": no file was written", false});
  if (auto committed = file->commit(); !committed)
    return std::unexpected(BatchApiError{0, "file", r.what + ": " + committed.error(), false});
  return {};
}

}  // namespace synthgen
