// BatchApi against a scripted server inside the test (127.0.0.1, port 0): each connection gets the
// next scripted answer, or is hung up on after the request was read. What was sent is recorded.
#include "synthgen/io/batch_api.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace synthgen {
namespace {

constexpr std::string_view hang_up = "";  // a scripted answer that closes the connection unanswered

std::string answer(int status, std::string_view body, std::string_view extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nConnection: close\r\n" +
         std::string(extra_headers) + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> script) : script_(std::move(script)) {
    const auto listener = testing::listen_on_loopback();
    listener_ = listener.fd;
    port_ = listener.port;
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  [[nodiscard]] std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  std::vector<std::string> requests() {
    const std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    for (std::size_t next = 0;; ++next) {
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      auto request = read_request(client);
      {
        const std::lock_guard lock(mutex_);
        requests_.push_back(std::move(request));
      }
      const auto& reply = next < script_.size() ? script_[next] : script_.back();
      std::string_view rest = reply;
      while (!rest.empty()) {
        const auto n = ::send(client, rest.data(), rest.size(), MSG_NOSIGNAL);
        if (n <= 0) break;
        rest.remove_prefix(static_cast<std::size_t>(n));
      }
      ::close(client);
    }
  }

  // The head, then Content-Length bytes of body.
  static std::string read_request(int client) {
    std::string request;
    char buffer[65536];
    std::size_t wanted = std::string::npos;
    while (request.size() < wanted) {
      const auto n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      request.append(buffer, static_cast<std::size_t>(n));
      const auto head_end = request.find("\r\n\r\n");
      if (wanted == std::string::npos && head_end != std::string::npos) {
        std::size_t length = 0;
        const auto lower = [&] {
          std::string s = request.substr(0, head_end);
          for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          return s;
        }();
        if (const auto at = lower.find("\r\ncontent-length:"); at != std::string::npos) length = std::stoul(lower.substr(at + 17));
        wanted = head_end + 4 + length;
      }
    }
    return request;
  }

  std::vector<std::string> script_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

constexpr std::string_view token_line = "Authorization: Bearer sk-secret-token";

BatchApiOptions options_for(const ScriptedServer& server, int max_retries = 3) {
  BatchApiOptions options;
  options.endpoint = server.endpoint();
  options.header_lines = {std::string(token_line)};
  options.connect_timeout_ms = 5000;
  options.timeout_ms = 10000;
  options.max_retries = max_retries;
  options.max_retry_wait = std::chrono::milliseconds(1);  // the waits are core/retry's; here they only slow the test
  return options;
}

constexpr std::string_view batch_json = R"({"id":"batch_1","object":"batch","status":"validating","input_file_id":"file-in",)"
                                        R"("output_file_id":null,"error_file_id":null,"request_counts":null,"errors":null})";

class BatchApiTest : public testing::TempDir {
 protected:
  std::string write(const std::string& name, const std::string& content) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
};

TEST_F(BatchApiTest, UploadSendsTheFileAsMultipartAndReturnsItsId) {
  ScriptedServer server({answer(200, R"({"id":"file-abc","object":"file","purpose":"batch"})")});
  const std::string lines = "{\"custom_id\":\"r-1\"}\n{\"custom_id\":\"r-2\"}\n";
  const auto path = write("input.jsonl", lines);
  const auto id = BatchApi(options_for(server)).upload(path);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, "file-abc");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_TRUE(r.starts_with("POST /v1/files HTTP/1.1\r\n")) << r;
  EXPECT_NE(r.find(token_line), std::string::npos);
  EXPECT_NE(r.find("Content-Type: multipart/form-data; boundary="), std::string::npos);
  EXPECT_NE(r.find("Content-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("Content-Disposition: form-data; name=\"file\"; filename=\"input.jsonl\""), std::string::npos) << r;
  EXPECT_NE(r.find(lines), std::string::npos);
  EXPECT_EQ(r.find("Expect:"), std::string::npos);  // no 100-continue pause
}

TEST_F(BatchApiTest, UploadIsRetriedAfterA5xxAndAHangUp) {
  ScriptedServer server(
      {answer(502, "<html><title>502 Bad Gateway</title></html>"), std::string(hang_up), answer(200, R"({"id":"file-abc"})")});
  const auto id = BatchApi(options_for(server)).upload(write("in.jsonl", "{}\n"));
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST_F(BatchApiTest, UploadOfAMissingFileSendsNothing) {
  ScriptedServer server({answer(200, R"({"id":"file-abc"})")});
  const auto id = BatchApi(options_for(server)).upload((dir_ / "missing.jsonl").string());
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().kind, "file");
  EXPECT_NE(id.error().message.find("missing.jsonl: cannot read the file"), std::string::npos) << id.error().message;
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(BatchApiTest, CreatePostsTheBatchAndReadsIt) {
  ScriptedServer server({answer(200, batch_json)});
  const auto info = BatchApi(options_for(server)).create("file-in", {{"run", "sst2"}});
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->id, "batch_1");
  EXPECT_EQ(info->status, BatchStatus::validating);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].starts_with("POST /v1/batches HTTP/1.1\r\n")) << requests[0];
  EXPECT_NE(requests[0].find("Content-Type: application/json"), std::string::npos);
  const auto body = nlohmann::json::parse(requests[0].substr(requests[0].find("\r\n\r\n") + 4));
  EXPECT_EQ(body["input_file_id"], "file-in");
  EXPECT_EQ(body["endpoint"], "/v1/chat/completions");
  EXPECT_EQ(body["metadata"]["run"], "sst2");
}

TEST_F(BatchApiTest, CreateIsNotSentAgainOnceTheRequestMayHaveArrived) {
  ScriptedServer server({std::string(hang_up), answer(200, batch_json)});
  const auto info = BatchApi(options_for(server)).create("file-in", {});
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().kind, "transport");
  EXPECT_NE(info.error().message.find("paid twice"), std::string::npos) << info.error().message;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(BatchApiTest, CreateIsNotSentAgainAfterA500) {
  ScriptedServer server(
      {answer(500, R"({"error":{"message":"The server had an error while processing your request."}})"), answer(200, batch_json)});
  const auto info = BatchApi(options_for(server)).create("file-in", {});
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().status, 500);
  EXPECT_EQ(info.error().message,
            "creating a batch from file-in: the service answered 500: The server had an error while processing your request.; not sent "
            "again, since the batch may have been created and a second one would be paid twice: look for it (GET /v1/batches) before "
            "creating another");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(BatchApiTest, CreateIsRetriedOnARateLimitAndOnA503) {
  ScriptedServer server({answer(429, R"({"error":{"message":"Rate limit reached","code":"rate_limit_exceeded"}})", "retry-after-ms: 1\r\n"),
                         answer(503, R"({"error":{"message":"overloaded"}})"), answer(200, batch_json)});
  const auto info = BatchApi(options_for(server)).create("file-in", {});
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST_F(BatchApiTest, SpentCreditsAreNotRetried) {
  ScriptedServer server({answer(429, R"({"error":{"message":"You exceeded your current quota.","type":"insufficient_quota",)"
                                     R"("code":"insufficient_quota"}})")});
  const auto info = BatchApi(options_for(server)).create("file-in", {});
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().kind, "credits");
  EXPECT_TRUE(info.error().auth);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(BatchApiTest, ARefusedTokenIsAnAuthErrorWithoutTheToken) {
  ScriptedServer server({answer(401, R"({"error":{"message":"Incorrect API key provided: sk-secr*****oken.","code":"invalid_api_key"}})")});
  const auto info = BatchApi(options_for(server)).get("batch_1");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().status, 401);
  EXPECT_EQ(info.error().kind, "auth");
  EXPECT_TRUE(info.error().auth);
  EXPECT_EQ(info.error().message, "reading batch batch_1: the service answered 401: Incorrect API key provided: sk-secr*****oken.");
  EXPECT_EQ(info.error().message.find("sk-secret-token"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(BatchApiTest, GetRetriesUpToMaxRetriesThenSaysHowOften) {
  ScriptedServer server({answer(502, R"({"error":{"message":"bad gateway"}})")});
  const auto info = BatchApi(options_for(server, 2)).get("batch_1");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().kind, "http");
  EXPECT_FALSE(info.error().auth);
  EXPECT_EQ(info.error().message, "reading batch batch_1: the service answered 502: bad gateway (after 2 retries)");
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST_F(BatchApiTest, GetEscapesTheIdAndReadsTheBatch) {
  ScriptedServer server({answer(404, R"({"error":{"message":"No batch found"}})"), answer(200, batch_json)});
  BatchApi api(options_for(server));
  const auto missing = api.get("../files?x");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().status, 404);
  EXPECT_TRUE(server.requests()[0].starts_with("GET /v1/batches/..%2Ffiles%3Fx HTTP/1.1")) << server.requests()[0];
  const auto info = api.get("batch_1");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->input_file_id, "file-in");
}

TEST_F(BatchApiTest, AnUnreadableAnswerIsAnAnswerError) {
  ScriptedServer server({answer(200, "<html>maintenance</html>")});
  const auto info = BatchApi(options_for(server)).get("batch_1");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().kind, "answer");
  EXPECT_EQ(info.error().message, "reading batch batch_1: the batch object is not JSON");
}

TEST_F(BatchApiTest, DownloadStreamsTheContentToTheFile) {
  std::string content;
  for (int i = 0; i < 20000; ++i)
    content += R"({"custom_id":"r-)" + std::to_string(i) +
               R"(","response":{"status_code":200}})"
               "\n";
  ScriptedServer server({answer(500, "oops"), answer(200, content)});
  const auto dest = dir_ / "out.jsonl";
  const auto done = BatchApi(options_for(server)).download("file-out", dest.string());
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(read(dest), content);
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_TRUE(server.requests()[1].starts_with("GET /v1/files/file-out/content HTTP/1.1")) << server.requests()[1];
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);  // no temporary file left
}

TEST_F(BatchApiTest, AFailedDownloadLeavesTheOldFileAlone) {
  ScriptedServer server({answer(404, R"({"error":{"message":"No such File object: file-x"}})")});
  const auto dest = write("out.jsonl", "old");
  const auto done = BatchApi(options_for(server)).download("file-x", dest);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().status, 404);
  EXPECT_NE(done.error().message.find("No such File object: file-x"), std::string::npos) << done.error().message;
  EXPECT_EQ(read(dest), "old");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);
}

TEST_F(BatchApiTest, NoServerIsATransportErrorAfterTheRetries) {
  int port = 0;
  {
    ScriptedServer gone({answer(200, "{}")});
    port = std::stoi(gone.endpoint().substr(gone.endpoint().rfind(':') + 1));
  }
  BatchApiOptions options;
  options.endpoint = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  options.max_retries = 1;
  options.max_retry_wait = std::chrono::milliseconds(1);
  // Nothing was sent, so even a create goes again.
  const auto info = BatchApi(options).create("file-in", {});
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().kind, "transport");
  EXPECT_EQ(info.error().status, 0);
  EXPECT_NE(info.error().message.find("(after 1 retry)"), std::string::npos) << info.error().message;
  EXPECT_EQ(info.error().message.find("paid twice"), std::string::npos);
}

}  // namespace
}  // namespace synthgen
