// Helpers shared by the unit tests: a fake environment and a temporary directory per test.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "synthgen/core/secrets.hpp"
#include "synthgen/io/http_pool.hpp"

namespace synthgen::testing {

// A fixed point of the steady clock, for the parts that take the time as an argument.
inline const std::chrono::steady_clock::time_point clock_origin = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);

// How many of a generated test's cases to draw: `full`, or its share SYNTHGEN_TEST_SCALE (0 to 1) of
// it, at least one. The sanitizer run sets 0.2: its checks make each case ten times as slow, and the
// full count runs in the normal build.
inline int scaled_cases(int full) {
  const char* scale = std::getenv("SYNTHGEN_TEST_SCALE");
  if (scale == nullptr) return full;
  const double share = std::strtod(scale, nullptr);
  if (!(share > 0 && share < 1)) return full;
  return std::max(1, static_cast<int>(full * share));
}

// An environment lookup over a fixed map, as the pure code takes it.
inline EnvLookup env_of(std::map<std::string, std::string, std::less<>> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

// A finished exchange with this status, answered in `elapsed`.
inline HttpResponse answer_with(long status, std::chrono::milliseconds elapsed = std::chrono::milliseconds(5)) {
  HttpResponse r;
  r.status = status;
  r.elapsed = elapsed;
  return r;
}

// A listening TCP socket on 127.0.0.1 and a port the system chose, for the tests' own servers.
struct LoopbackListener {
  int fd = -1;
  int port = 0;
};

inline LoopbackListener listen_on_loopback() {
  LoopbackListener out;
  out.fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(out.fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(::listen(out.fd, 8), 0);
  socklen_t length = sizeof address;
  ::getsockname(out.fd, reinterpret_cast<sockaddr*>(&address), &length);
  out.port = ntohs(address.sin_port);
  return out;
}

// A fixture with a fresh directory `dir_`, removed after the test.
class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pattern = (std::filesystem::temp_directory_path() / "synthgen-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

}  // namespace synthgen::testing
