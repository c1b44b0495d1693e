// The response store: every answer kept in SQLite as it arrives, so that no request is ever paid
// for twice. The key covers everything that changes the answer (API kind, model, the full request
// body with prompt, parameters and seed, and the vote index); the token is never part of it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "synthgen/core/run_config.hpp"
#include "synthgen/io/inference_api.hpp"

namespace synthgen {

using StoreKey = std::array<unsigned char, 32>;  // SHA-256

StoreKey make_store_key(ApiKind api, const std::string& model, const std::string& request_body, int vote);

class ResponseStore {
 public:
  // Opens or creates the database (and its directory, owner-only) at `path`.
  static std::expected<std::unique_ptr<ResponseStore>, std::string> open(const std::string& path);
  ~ResponseStore();
  ResponseStore(const ResponseStore&) = delete;
  ResponseStore& operator=(const ResponseStore&) = delete;

  [[nodiscard]] std::optional<InferenceAnswer> find(const StoreKey& key);
  // Buffers the answer; written in batches (every 64 answers or 200 ms) and by flush().
  void add(const StoreKey& key, const InferenceAnswer& answer);
  std::expected<void, std::string> flush();
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  struct Db;
  ResponseStore(std::unique_ptr<Db> db, std::string path);
  std::unique_ptr<Db> db_;
  std::string path_;
  std::vector<std::pair<StoreKey, InferenceAnswer>> pending_;
  std::chrono::steady_clock::time_point last_flush_;
};

}  // namespace synthgen
