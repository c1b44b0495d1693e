// The HTTP engine: one libcurl multi handle driving a sliding window of transfers (curl's
// 10-at-a-time pattern). Requests are pulled from a source as slots free up; every finished
// transfer, failed or not, is handed to a sink as a value. Nothing here throws on a failed request.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "synthgen/core/retry.hpp"

namespace synthgen {

// Process-wide libcurl set-up; exactly one lives in synthgen_main(), around the commands that go on the
// network.
class CurlGlobal {
 public:
  CurlGlobal();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};

// Request headers shared by many requests (built once, e.g. with the Authorization header).
class HeaderList {
 public:
  HeaderList() = default;
  explicit HeaderList(const std::vector<std::string>& lines);
  [[nodiscard]] void* native() const { return list_.get(); }

 private:
  std::shared_ptr<void> list_;
};

// The body limit of downloads (dataset viewer pages, the Hub's zip): a zip may be several MiB.
constexpr std::size_t download_body_limit = std::size_t{64} << 20;

// An upload's body read from a file as it is sent, so a file of any size costs a buffer, not its
// size: `length` bytes from `offset`.
struct FileBody {
  std::string path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

enum class HttpMethod {
  get_or_post,  // POST when the body is not empty, else GET
  put,          // PUT of `file` when set, else of `body` (Git LFS uploads to storage)
};

struct HttpRequest {
  std::uint64_t tag = 0;  // the caller's id for this request (e.g. row and vote)
  std::string url;
  std::string body;
  HttpMethod method = HttpMethod::get_or_post;
  // A PUT's body from a file. Such an upload may take longer than the total time-out: it fails
  // instead when it stalls (under 1 KiB/s for as long as the time-out).
  std::optional<FileBody> file;
  HeaderList headers;
  // The URL's query is a credential (a presigned storage URL): the debug line shows the URL without it.
  bool secret_query = false;
  // A longer body, counted in decoded bytes (after Content-Encoding), is cut off there and fails:
  // memory per transfer stays bounded whatever the server sends, a gzip bomb included.
  std::size_t max_body_bytes = download_body_limit;
  // One answer of a batch: its body counts toward the pool's answer budget (PoolOptions).
  bool budgeted = false;
};

struct HttpResponse {
  long status = 0;  // 0 when no HTTP answer arrived
  std::string body;
  std::string transport_error;  // empty when the exchange completed
  bool too_large = false;       // the body passed max_body_bytes (transport_error says so); status is the server's
  bool timed_out = false;       // the connect or total time-out ended it (transport_error says so)
  bool connect_failed = false;  // no connection could be made (refused, no such host): nothing reached the server
  // Headers a retrying caller honours.
  std::string retry_after;
  std::string retry_after_ms;
  std::string ratelimit;
  // OpenAI's and Groq's budget headers (x-ratelimit-*): what is left of the window's requests and
  // tokens, and when each window resets (a duration such as "1s", "6m0s", "20ms").
  std::string ratelimit_remaining_requests;
  std::string ratelimit_remaining_tokens;
  std::string ratelimit_reset_requests;
  std::string ratelimit_reset_tokens;
  std::string etag;  // storage's name for what it took (an upload's ETag)
  std::chrono::milliseconds elapsed{0};

  [[nodiscard]] bool ok() const { return transport_error.empty() && status >= 200 && status < 300; }
};

// Takes one header line of an answer ("Retry-After: 2\r\n") into the fields of `response` that a
// retrying caller honours (and the ETag); other headers are ignored. (For code that drives libcurl itself.)
void read_response_header(std::string_view line, HttpResponse& response);

// "GET", "POST" or "PUT": what `request` is sent as.
std::string_view method_name(const HttpRequest& request);

// What an answer says about when to retry, for server_requested_wait.
RetryHints retry_hints(const HttpResponse& response);

enum class Next { proceed, stop };

struct PoolOptions {
  int concurrency = 64;
  long connect_timeout_ms = 10000;
  long timeout_ms = 120000;
  std::string ca_bundle;  // PEM CA file for TLS peer verification; empty: the system's store
  // What the bodies of budgeted requests in flight may hold together. Past it, a body that holds
  // more than its share (the budget over the concurrency, at least 64 KiB) is cut off as too large,
  // so 64 endless answers cost this much, not 64 x max_body_bytes; a label answer is far smaller.
  std::size_t answer_budget = std::size_t{32} << 20;
};

// What a source gives when asked for the next request.
struct WaitUntil {
  std::chrono::steady_clock::time_point when;  // nothing to send before then (e.g. a retry's backoff)
};
struct Exhausted {};
using Pulled = std::variant<HttpRequest, WaitUntil, Exhausted>;

// Stops the sending loop from outside: a file descriptor that becomes readable, and the check.
struct StopSignal {
  int fd = -1;
  std::function<bool()> requested;
  std::chrono::milliseconds grace{5000};  // how long transfers in flight may still finish
};

class HttpPool {
 public:
  using Source = std::function<Pulled()>;
  using Sink = std::function<Next(const HttpRequest&, HttpResponse&&)>;

  explicit HttpPool(const PoolOptions& options);
  ~HttpPool();
  HttpPool(const HttpPool&) = delete;
  HttpPool& operator=(const HttpPool&) = delete;

  // Runs until the source is exhausted and every transfer has finished, or a sink says stop (then
  // the transfers still in flight are abandoned without a sink call). When `stop` is requested no
  // new request is started; transfers in flight get `stop.grace` to finish and reach the sink.
  void run(const Source& source, const Sink& sink, const StopSignal& stop = {});

  // One request, start to finish.
  HttpResponse fetch(HttpRequest request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace synthgen
