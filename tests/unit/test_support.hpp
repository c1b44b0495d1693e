// Helpers shared by the unit tests: a fake environment and a temporary directory per test.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include "synthgen/core/secrets.hpp"

namespace synthgen::testing {

// A fixed point of the steady clock, for the parts that take the time as an argument.
inline const std::chrono::steady_clock::time_point clock_origin = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);

// An environment lookup over a fixed map, as the pure code takes it.
inline EnvLookup env_of(std::map<std::string, std::string, std::less<>> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
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
