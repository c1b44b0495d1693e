// The HTTP pool's body limit, against a small server inside the test (127.0.0.1, port 0): an
// endless body stops at max_body_bytes as a counted value (too_large) whose string never held more
// than the limit, and a body of exactly the limit is taken whole; a PUT streams a file's slice.
#include "synthgen/io/http_pool.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "test_support.hpp"

namespace synthgen {
namespace {

// Answers every connection with `head`, then `body` (once), then, when `endless`, chunks of 'x'
// until the client hangs up or 256 MiB are sent (so it always stops).
class TestServer {
 public:
  TestServer(std::string head, std::string body, bool endless) : head_(std::move(head)), body_(std::move(body)), endless_(endless) {
    const auto listener = testing::listen_on_loopback();
    listener_ = listener.fd;
    port_ = listener.port;
    thread_ = std::thread([this] { serve(); });
  }
  ~TestServer() {
    ::shutdown(listener_, SHUT_RDWR);  // ends accept()
    thread_.join();
    ::close(listener_);
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  [[nodiscard]] std::size_t sent() const { return sent_.load(); }
  // The last request as it arrived: head and, when it had a Content-Length, its body.
  [[nodiscard]] std::string received() const {
    const std::scoped_lock lock(mutex_);
    return received_;
  }

 private:
  void serve() {
    for (;;) {
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      answer(client);
      ::close(client);
    }
  }

  void answer(int client) {
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const auto n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      request.append(buffer, static_cast<std::size_t>(n));
    }
    const auto length_at = request.find("Content-Length: ");
    const auto length = length_at == std::string::npos ? 0 : std::stoul(request.substr(length_at + 16));
    while (request.size() < request.find("\r\n\r\n") + 4 + length) {
      const auto n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      request.append(buffer, static_cast<std::size_t>(n));
    }
    {
      const std::scoped_lock lock(mutex_);
      received_ = request;
    }
    if (!send_all(client, head_) || !send_all(client, body_) || !endless_) return;
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
    while (sent_.load() < (std::size_t{256} << 20) && send_all(client, chunk)) {
    }
  }

  bool send_all(int client, std::string_view data) {
    while (!data.empty()) {
      const auto n = ::send(client, data.data(), data.size(), MSG_NOSIGNAL);  // the client hanging up is no signal
      if (n <= 0) return false;
      sent_ += static_cast<std::size_t>(n);
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  std::string head_;
  std::string body_;
  bool endless_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<std::size_t> sent_{0};
  mutable std::mutex mutex_;
  std::string received_;
  std::thread thread_;
};

HttpResponse get(const std::string& url, std::size_t limit) {
  const CurlGlobal curl;
  HttpPool pool(PoolOptions{});
  HttpRequest request;
  request.url = url;
  request.max_body_bytes = limit;
  return pool.fetch(std::move(request));
}

// One request through a pool whose answer budget is `budget` at concurrency 4 (a share of 64 KiB).
HttpResponse get_budgeted(const std::string& url, std::size_t limit, std::size_t budget, bool budgeted) {
  const CurlGlobal curl;
  PoolOptions options;
  options.concurrency = 4;
  options.answer_budget = budget;
  HttpPool pool(options);
  HttpRequest request;
  request.url = url;
  request.max_body_bytes = limit;
  request.budgeted = budgeted;
  return pool.fetch(std::move(request));
}

std::string fixed_length_head(std::size_t length) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
}

TEST(HttpPoolLimit, AnEndlessBodyStopsAtTheLimitWithoutReservingMore) {
  const TestServer server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "", true);
  constexpr std::size_t limit = 100000;  // no power of two: a doubling string would pass it
  const auto response = get(server.url(), limit);
  EXPECT_TRUE(response.too_large);
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(response.status, 200) << "the status stays the server's";
  EXPECT_EQ(response.transport_error, "the answer is larger than 100000 bytes");
  EXPECT_LE(response.body.size(), limit);
  EXPECT_GT(response.body.size(), limit / 2);
  EXPECT_LE(response.body.capacity(), limit) << "the body string never holds more than the limit";
}

TEST(HttpPoolLimit, TheLimitIsNamedInMiBWhenItIsWholeMiB) {
  const TestServer server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "", true);
  const auto response = get(server.url(), std::size_t{1} << 20);
  EXPECT_TRUE(response.too_large);
  EXPECT_EQ(response.transport_error, "the answer is larger than 1 MiB");
  EXPECT_LE(response.body.capacity(), std::size_t{1} << 20);
  EXPECT_LT(server.sent(), std::size_t{256} << 20) << "the client hung up long before the server's own end";
}

TEST(HttpPoolLimit, ABodyOfExactlyTheLimitIsTakenWhole) {
  const std::string body(5000, 'a');
  const TestServer server(fixed_length_head(body.size()), body, false);
  const auto response = get(server.url(), body.size());
  EXPECT_TRUE(response.ok()) << response.transport_error;
  EXPECT_FALSE(response.too_large);
  EXPECT_EQ(response.body, body);
}

TEST(HttpPoolLimit, AContentLengthOverTheLimitFailsBeforeTheBodyIsRead) {
  const std::string body(5001, 'a');
  const TestServer server(fixed_length_head(body.size()), body, false);
  const auto response = get(server.url(), 5000);
  EXPECT_TRUE(response.too_large);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.transport_error, "the answer is larger than 5000 bytes");
  EXPECT_TRUE(response.body.empty());
}

TEST(HttpPoolLimit, DownloadsHaveTheirOwnBiggerLimit) {
  EXPECT_EQ(HttpRequest{}.max_body_bytes, download_body_limit);
  EXPECT_GE(download_body_limit, std::size_t{64} << 20) << "the Hub zip may be several MiB";
}

}  // namespace
}  // namespace synthgen

namespace synthgen {
namespace {

TEST(HttpPoolBudget, ABudgetedBodyPastItsShareIsCutWhenTheBudgetIsFull) {
  const TestServer server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "", true);
  const auto response = get_budgeted(server.url(), std::size_t{1} << 20, std::size_t{128} << 10, true);
  EXPECT_TRUE(response.too_large);
  EXPECT_EQ(response.transport_error, "the answer passed 64 KiB while the answers in flight held 128 KiB together");
  EXPECT_LE(response.body.capacity(), std::size_t{128} << 10) << "the budget, not the 1 MiB limit, bounded it";
}

TEST(HttpPoolBudget, ADownloadIsNotBudgeted) {
  const TestServer server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "", true);
  const auto response = get_budgeted(server.url(), std::size_t{1} << 20, std::size_t{128} << 10, false);
  EXPECT_TRUE(response.too_large);
  EXPECT_EQ(response.transport_error, "the answer is larger than 1 MiB");
  EXPECT_GT(response.body.size(), std::size_t{128} << 10);
}

TEST(HttpPoolBudget, AnAnswerWithinTheBudgetIsTakenWhole) {
  const std::string body(100000, 'a');  // over the 64 KiB share, under the 128 KiB budget
  const TestServer server(fixed_length_head(body.size()), body, false);
  const auto response = get_budgeted(server.url(), std::size_t{1} << 20, std::size_t{128} << 10, true);
  EXPECT_TRUE(response.ok()) << response.transport_error;
  EXPECT_EQ(response.body, body);
}

}  // namespace
}  // namespace synthgen

namespace synthgen {
namespace {

TEST(HttpPoolPut, APutStreamsItsFileSliceWithItsLengthAndReadsTheETag) {
  const TestServer server("HTTP/1.1 200 OK\r\nETag: \"e1\"\r\nContent-Length: 0\r\n\r\n", "", false);
  const auto path = (std::filesystem::temp_directory_path() / "synthgen_http_pool_put_test.bin").string();
  std::ofstream(path, std::ios::binary) << "0123456789abcdef";
  const CurlGlobal curl;
  HttpPool pool(PoolOptions{});
  HttpRequest request;
  request.url = server.url() + "object";
  request.method = HttpMethod::put;
  request.file = FileBody{path, 4, 8};
  request.headers = HeaderList({"X-Signed: yes", "Expect:"});
  EXPECT_EQ(method_name(request), "PUT");
  const auto response = pool.fetch(std::move(request));
  std::filesystem::remove(path);
  EXPECT_TRUE(response.ok()) << response.transport_error;
  EXPECT_EQ(response.etag, "\"e1\"");
  const auto received = server.received();
  EXPECT_EQ(received.substr(0, 12), "PUT /object ");
  EXPECT_NE(received.find("Content-Length: 8\r\n"), std::string::npos);
  EXPECT_NE(received.find("X-Signed: yes\r\n"), std::string::npos);
  EXPECT_EQ(received.substr(received.find("\r\n\r\n") + 4), "456789ab");
}

TEST(HttpPoolPut, AFileThatCannotBeReadFailsAsAValueNamingIt) {
  const TestServer server(fixed_length_head(0), "", false);
  const CurlGlobal curl;
  HttpPool pool(PoolOptions{});
  HttpRequest request;
  request.url = server.url();
  request.method = HttpMethod::put;
  request.file = FileBody{"/nonexistent/synthgen/train.csv", 0, 10};
  request.headers = HeaderList({"Expect:"});
  const auto response = pool.fetch(std::move(request));
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(response.transport_error, "cannot read /nonexistent/synthgen/train.csv: No such file or directory");
}

}  // namespace
}  // namespace synthgen
