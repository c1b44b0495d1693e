// libcurl multi-interface engine: transfers are reused objects, found again through
// CURLOPT_PRIVATE, and the loop refills the window after draining curl_multi_info_read.
#include "synthgen/io/http_pool.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "synthgen/core/secrets.hpp"

namespace synthgen {
namespace {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct MultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using MultiPtr = std::unique_ptr<CURLM, MultiDeleter>;
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

void check(CURLMcode code, const char* what) {
  if (code != CURLM_OK) throw std::runtime_error(std::string(what) + ": " + curl_multi_strerror(code));
}

// The bytes the bodies of budgeted transfers hold together, and what one may hold whatever the rest do.
struct AnswerBudget {
  std::size_t limit = 0;
  std::size_t share = 0;
  std::size_t held = 0;
};

struct Transfer {
  EasyPtr easy{curl_easy_init()};
  AnswerBudget* budget = nullptr;  // set for a budgeted request
  std::size_t held = 0;            // this body's capacity, counted in *budget
  bool over_budget = false;        // cut off by the budget rather than by max_body_bytes
  HttpRequest request;
  HttpResponse response;
  std::chrono::steady_clock::time_point started;
  std::size_t slot = 0;  // position in HttpPool::Impl::running, for O(1) removal
  // A PUT's body: the file open for it (or none: the string body), and how much of it is sent.
  FilePtr upload_file;
  std::uint64_t upload_sent = 0;
  std::string upload_error;  // why the body could not be read: the transfer's error
  char error_buffer[CURL_ERROR_SIZE]{};
};

std::uint64_t upload_size(const HttpRequest& request) { return request.file ? request.file->length : request.body.size(); }

// Hands libcurl the next piece of a PUT's body, from the file or the string; a file that ends early
// or fails to read aborts the transfer (CURLE_ABORTED_BY_CALLBACK) with upload_error saying why.
std::size_t on_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->request.file && !t->upload_file) return CURL_READFUNC_ABORT;  // could not be opened: upload_error says so
  const auto wanted = std::min<std::uint64_t>(size * count, upload_size(t->request) - t->upload_sent);
  if (wanted == 0) return 0;
  if (!t->request.file) {
    std::memcpy(buffer, t->request.body.data() + t->upload_sent, wanted);
    t->upload_sent += wanted;
    return wanted;
  }
  const auto got = std::fread(buffer, 1, wanted, t->upload_file.get());
  if (got == 0) {
    t->upload_error = "cannot read " + t->request.file->path + (std::ferror(t->upload_file.get()) ? "" : ": it is shorter than announced");
    return CURL_READFUNC_ABORT;
  }
  t->upload_sent += got;
  return got;
}

// Rewinds a PUT's body, when a redirect or an authentication round sends it again.
int on_upload_seek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<std::uint64_t>(offset) > upload_size(t->request)) return CURL_SEEKFUNC_FAIL;
  if (t->upload_file && t->request.file.has_value() &&
      fseeko(t->upload_file.get(), static_cast<off_t>(t->request.file->offset + offset), SEEK_SET) != 0)
    return CURL_SEEKFUNC_FAIL;
  t->upload_sent = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

// Opens a PUT's file at its offset; a failure is kept as the transfer's error (on_upload aborts).
void open_upload(Transfer& t) {
  t.upload_file.reset();
  t.upload_sent = 0;
  t.upload_error.clear();
  if (!t.request.file) return;
  FilePtr file(std::fopen(t.request.file->path.c_str(), "rb"));
  if (!file || fseeko(file.get(), static_cast<off_t>(t.request.file->offset), SEEK_SET) != 0) {
    t.upload_error = "cannot read " + t.request.file->path + ": " + std::strerror(errno);
    return;
  }
  t.upload_file = std::move(file);
}

// Takes decoded bytes (libcurl inflates gzip and deflate before this), so the limit holds for a
// compressed body too. The string grows by doubling but never past the limit.
std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  auto& body = t->response.body;
  const auto bytes = size * count;
  const auto limit = t->request.max_body_bytes;
  if (bytes > limit - body.size()) {
    t->response.too_large = true;
    return 0;  // aborts the transfer: CURLE_WRITE_ERROR
  }
  if (body.size() + bytes > body.capacity()) {
    const auto wanted = std::min(limit, std::max(body.size() + bytes, 2 * body.capacity()));
    auto* budget = t->budget;
    if (budget != nullptr && wanted > budget->share && budget->held - t->held + wanted > budget->limit) {
      t->response.too_large = true;
      t->over_budget = true;
      return 0;
    }
    std::string grown;  // reserved from empty: exactly this much (growing in place may round up to twice the old capacity)
    grown.reserve(wanted);
    grown.append(body);
    body.swap(grown);
    if (budget != nullptr) {
      budget->held = budget->held - t->held + body.capacity();
      t->held = body.capacity();
    }
  }
  body.append(data, bytes);
  return bytes;
}

// 1048576 -> "1 MiB", 65536 -> "64 KiB", 1000 -> "1000 bytes".
std::string size_text(std::size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

// "Name: value" -> value, when the line's name is `name` (lower case), else nothing.
std::optional<std::string_view> header_value(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return std::nullopt;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if ((line[i] | 0x20) != name[i]) return std::nullopt;
  }
  auto value = line.substr(name.size() + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
  return value;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  read_response_header(std::string_view(data, size * count), static_cast<Transfer*>(user)->response);
  return size * count;
}

}  // namespace

void read_response_header(std::string_view line, HttpResponse& r) {
  const std::pair<std::string_view, std::string*> wanted[] = {{"retry-after", &r.retry_after},
                                                              {"retry-after-ms", &r.retry_after_ms},
                                                              {"ratelimit", &r.ratelimit},
                                                              {"x-ratelimit-remaining-requests", &r.ratelimit_remaining_requests},
                                                              {"x-ratelimit-remaining-tokens", &r.ratelimit_remaining_tokens},
                                                              {"x-ratelimit-reset-requests", &r.ratelimit_reset_requests},
                                                              {"x-ratelimit-reset-tokens", &r.ratelimit_reset_tokens},
                                                              {"etag", &r.etag}};
  for (const auto& [name, field] : wanted) {
    if (auto value = header_value(line, name)) *field = *value;
  }
}

std::string_view method_name(const HttpRequest& request) {
  if (request.method == HttpMethod::put) return "PUT";
  return request.body.empty() ? "GET" : "POST";
}

RetryHints retry_hints(const HttpResponse& r) {
  return {r.retry_after,
          r.retry_after_ms,
          r.ratelimit,
          r.body,
          r.ratelimit_reset_requests,
          r.ratelimit_reset_tokens,
          r.ratelimit_remaining_requests,
          r.ratelimit_remaining_tokens};
}

CurlGlobal::CurlGlobal() {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl failed to initialise");
}
CurlGlobal::~CurlGlobal() { curl_global_cleanup(); }

HeaderList::HeaderList(const std::vector<std::string>& lines) {
  curl_slist* list = nullptr;
  for (const auto& line : lines) {
    auto* grown = curl_slist_append(list, line.c_str());
    if (grown == nullptr) {
      curl_slist_free_all(list);
      throw std::bad_alloc();
    }
    list = grown;
  }
  list_ = std::shared_ptr<void>(list, [](void* p) { curl_slist_free_all(static_cast<curl_slist*>(p)); });
}

struct HttpPool::Impl {
  PoolOptions options;
  MultiPtr multi{curl_multi_init()};
  std::vector<std::unique_ptr<Transfer>> idle;
  std::size_t active = 0;

  void start(std::unique_ptr<Transfer> t, HttpRequest&& request);
  void finish(Transfer& t, CURLcode result);
  std::unique_ptr<Transfer> take_idle();
  void abandon_all();
  void give_back(Transfer& t);
  std::unique_ptr<Transfer> release(std::size_t slot);
  AnswerBudget budget;
  std::vector<std::unique_ptr<Transfer>> running;
};

std::unique_ptr<Transfer> HttpPool::Impl::release(std::size_t slot) {
  auto owned = std::move(running[slot]);
  if (slot + 1 != running.size()) {
    running[slot] = std::move(running.back());
    running[slot]->slot = slot;
  }
  running.pop_back();
  return owned;
}

std::unique_ptr<Transfer> HttpPool::Impl::take_idle() {
  if (idle.empty()) {
    auto t = std::make_unique<Transfer>();
    if (!t->easy) throw std::runtime_error("libcurl could not create a transfer");
    return t;
  }
  auto t = std::move(idle.back());
  idle.pop_back();
  return t;
}

void HttpPool::Impl::start(std::unique_ptr<Transfer> t, HttpRequest&& request) {
  t->request = std::move(request);
  t->response = HttpResponse{};
  t->error_buffer[0] = '\0';
  t->budget = t->request.budgeted ? &budget : nullptr;
  t->over_budget = false;
  CURL* e = t->easy.get();
  curl_easy_reset(e);
  curl_easy_setopt(e, CURLOPT_URL, t->request.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, options.timeout_ms);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  // A Content-Length beyond the limit fails before a byte is read; a body that grows past it, in on_body.
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t->request.max_body_bytes));
  curl_easy_setopt(e, CURLOPT_USERAGENT, "synthgen/" SYNTHGEN_VERSION);
  curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error_buffer);
  // TLS peer and host verification stay on (libcurl's default); a private CA is added, never a bypass.
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_bundle.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options.ca_bundle.c_str());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(t->request.headers.native()));
  if (t->request.method == HttpMethod::put) {
    // CURLOPT_UPLOAD makes it a PUT whose body libcurl pulls piece by piece, with a Content-Length.
    open_upload(*t);
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, on_upload);
    curl_easy_setopt(e, CURLOPT_READDATA, t.get());
    curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_upload_seek);
    curl_easy_setopt(e, CURLOPT_SEEKDATA, t.get());
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload_size(t->request)));
    if (t->request.file) {
      // A big file may take longer than the total time-out: stalling is what fails it.
      curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 0L);
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1024L);
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, std::max(1L, options.timeout_ms / 1000));
    }
  } else if (!t->request.body.empty()) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->request.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request.body.data());
  }
  t->started = std::chrono::steady_clock::now();
  check(curl_multi_add_handle(multi.get(), e), "curl_multi_add_handle");
  t->slot = running.size();
  running.push_back(std::move(t));
  ++active;
}

void HttpPool::Impl::finish(Transfer& t, CURLcode result) {
  auto& r = t.response;
  give_back(t);
  curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &r.status);
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t.started);
  if (result != CURLE_OK) {
    r.transport_error = t.error_buffer[0] != '\0' ? t.error_buffer : curl_easy_strerror(result);
    if (result == CURLE_FILESIZE_EXCEEDED) r.too_large = true;  // a Content-Length over the limit
    r.timed_out = result == CURLE_OPERATION_TIMEDOUT;
    r.connect_failed = result == CURLE_COULDNT_CONNECT || result == CURLE_COULDNT_RESOLVE_HOST || result == CURLE_COULDNT_RESOLVE_PROXY;
    if (r.too_large) r.transport_error = "the answer is larger than " + size_text(t.request.max_body_bytes);
    if (!t.upload_error.empty()) r.transport_error = t.upload_error;
    if (t.over_budget) {
      r.transport_error =
          "the answer passed " + size_text(budget.share) + " while the answers in flight held " + size_text(budget.limit) + " together";
    }
  }
  t.upload_file.reset();
  std::string_view url = t.request.url;
  if (t.request.secret_query) url = url.substr(0, url.find('?'));
  spdlog::debug("{} {} -> {} in {} ms{}", method_name(t.request), redact_url(url), r.status, r.elapsed.count(),
                r.transport_error.empty() ? "" : " (" + r.transport_error + ")");
}

// A finished or abandoned transfer's body no longer counts toward the budget.
void HttpPool::Impl::give_back(Transfer& t) {
  budget.held -= t.held;
  t.held = 0;
}

void HttpPool::Impl::abandon_all() {
  for (auto& t : running) {
    t->upload_file.reset();
    give_back(*t);
    curl_multi_remove_handle(multi.get(), t->easy.get());
    idle.push_back(std::move(t));
  }
  running.clear();
  active = 0;
}

HttpPool::HttpPool(const PoolOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->budget.limit = options.answer_budget;
  impl_->budget.share =
      std::max<std::size_t>(std::size_t{64} << 10, options.answer_budget / static_cast<std::size_t>(std::max(1, options.concurrency)));
  if (!impl_->multi) throw std::runtime_error("libcurl could not create a multi handle");
  curl_multi_setopt(impl_->multi.get(), CURLMOPT_MAXCONNECTS, static_cast<long>(options.concurrency));
}

HttpPool::~HttpPool() {
  if (impl_) impl_->abandon_all();
}

void HttpPool::run(const Source& source, const Sink& sink, const StopSignal& stop) {
  auto& m = *impl_;
  const auto limit = static_cast<std::size_t>(m.options.concurrency);
  bool exhausted = false;
  std::optional<std::chrono::steady_clock::time_point> stop_deadline;
  std::optional<std::chrono::steady_clock::time_point> wait_until;

  // Exhaustion is not final while transfers are in flight: a sink call may queue a retry.
  auto refill = [&] {
    wait_until.reset();
    exhausted = false;
    while (!exhausted && !stop_deadline && m.active < limit) {
      auto pulled = source();
      if (auto* request = std::get_if<HttpRequest>(&pulled)) {
        m.start(m.take_idle(), std::move(*request));
      } else if (auto* wait = std::get_if<WaitUntil>(&pulled)) {
        wait_until = wait->when;
        break;
      } else {
        exhausted = true;
      }
    }
  };
  // Hands every finished transfer to the sink; counts them in `finished`; false when the sink asked to stop.
  std::size_t finished = 0;
  auto drain = [&] {
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(m.multi.get(), &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* raw = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &raw);
      const CURLcode result = msg->data.result;
      check(curl_multi_remove_handle(m.multi.get(), raw->easy.get()), "curl_multi_remove_handle");
      --m.active;
      ++finished;
      m.finish(*raw, result);
      auto owned = m.release(raw->slot);
      const auto next = sink(owned->request, std::move(owned->response));
      // An idle transfer keeps no body: assigning an empty string keeps the capacity (libstdc++), so
      // every transfer would hold the largest body it ever had, 64 x 1 MiB after endless answers.
      std::string().swap(owned->response.body);
      m.idle.push_back(std::move(owned));
      if (next == Next::stop) return false;
    }
    return true;
  };

  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (!stop_deadline && stop.requested && stop.requested()) stop_deadline = now + stop.grace;
    refill();
    if (m.active == 0 && (exhausted || stop_deadline)) return;
    if (stop_deadline && now >= *stop_deadline) break;
    if (m.active > 0) {
      int still_running = 0;
      check(curl_multi_perform(m.multi.get(), &still_running), "curl_multi_perform");
      finished = 0;
      if (!drain()) break;
      if (finished > 0) continue;  // slots freed, and a sink call may have made more work: refill first
    }

    auto timeout = std::chrono::milliseconds(1000);
    const auto until = stop_deadline ? stop_deadline : wait_until;
    if (until) timeout = std::clamp(std::chrono::ceil<std::chrono::milliseconds>(*until - now), std::chrono::milliseconds(0), timeout);
    // Watch the stop descriptor until the stop is seen (it stays readable after that).
    const bool watch = stop.fd >= 0 && !stop_deadline;
    curl_waitfd extra{stop.fd, CURL_WAIT_POLLIN, 0};
    check(curl_multi_poll(m.multi.get(), watch ? &extra : nullptr, watch ? 1u : 0u, static_cast<int>(timeout.count()), nullptr),
          "curl_multi_poll");
  }
  m.abandon_all();
}

HttpResponse HttpPool::fetch(HttpRequest request) {
  HttpResponse out;
  bool sent = false;
  run(
      [&]() -> Pulled {
        if (sent) return Exhausted{};
        sent = true;
        return std::move(request);
      },
      [&](const HttpRequest&, HttpResponse&& response) {
        out = std::move(response);
        return Next::proceed;
      });
  return out;
}

}  // namespace synthgen
