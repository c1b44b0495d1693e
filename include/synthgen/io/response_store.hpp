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
#include "synthgen/core/store_key.hpp"
#include "synthgen/io/inference_api.hpp"

namespace synthgen {

// SHA-256 of the wire format's store tag ("openai", "tgi"), model, body and vote, joined by NUL bytes (stores made by older
// versions keep their keys). Cheap to call often: one digest context per thread.
StoreKey make_store_key(ApiKind api, const std::string& model, const std::string& request_body, int vote);

// Used from one thread (find, add, flush); the SQLite writes run on a thread of the store's own.
class ResponseStore {
 public:
  // Opens or creates the database (and its directory, owner-only) at `path`. Another process may
  // open or write the same file at the same moment: its locks are waited for up to `lock_wait`.
  static std::expected<std::unique_ptr<ResponseStore>, std::string> open(const std::string& path,
                                                                         std::chrono::milliseconds lock_wait = std::chrono::seconds(10));
  ~ResponseStore();  // flushes (a write error is then lost: call flush() first to see it)
  ResponseStore(const ResponseStore&) = delete;
  ResponseStore& operator=(const ResponseStore&) = delete;

  // The stored answer: from before this run, or added in it. No SQL at all for a key never added
  // to a store that was empty when opened (a fresh run's every lookup).
  [[nodiscard]] std::optional<InferenceAnswer> find(const StoreKey& key);
  // Queues the answer and returns: no SQLite on the caller's thread. The writer thread commits
  // the queue in batches (one transaction once 512 answers wait or the oldest is 200 ms old).
  void add(const StoreKey& key, const InferenceAnswer& answer);
  // Waits until every answer added so far is committed. On a write error the answers stay queued
  // (the next batch or flush tries again) and the first error since the last success is returned.
  std::expected<void, std::string> flush();
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] bool empty_at_open() const { return empty_at_open_; }

 private:
  struct Reader;
  class Writer;
  ResponseStore(std::unique_ptr<Reader> reader, std::unique_ptr<Writer> writer, std::string path, bool empty_at_open);
  void remember_added(const StoreKey& key);
  [[nodiscard]] bool maybe_added(const StoreKey& key) const;

  std::unique_ptr<Reader> reader_;
  std::unique_ptr<Writer> writer_;
  std::string path_;
  bool empty_at_open_;
  std::vector<std::uint64_t> added_bits_;  // a Bloom filter of the keys added in this run
};

}  // namespace synthgen
