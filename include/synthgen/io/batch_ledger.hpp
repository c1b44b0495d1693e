// What the response store remembers of batch engines: which requests synthgen exported (so an
// import knows its own custom_ids from another run's) and which batches it submitted to the OpenAI
// Batch API, with the requests each holds (so a second submit never pays for a request twice).
// Tables of their own in the store's SQLite file, on a connection of their own.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "synthgen/core/store_key.hpp"

namespace synthgen {

struct SubmittedBatch {
  std::string id;
  std::string input_file_id;
  std::string part;  // the export part it was made from, for the user
  std::size_t requests = 0;
  std::string status;      // as last seen
  bool collected = false;  // its output and error files are imported: what it lacks may be asked again
};

class BatchLedger {
 public:
  // On the store at `path` (opened by ResponseStore first: it is the one that creates the file).
  static std::expected<std::unique_ptr<BatchLedger>, std::string> open(const std::string& path,
                                                                       std::chrono::milliseconds lock_wait = std::chrono::seconds(10));
  // The requests held by batches not yet collected in the store at `path`, read without creating
  // anything (0 for a store that never submitted a batch).
  static std::expected<std::size_t, std::string> requests_in_open_batches(const std::string& path,
                                                                          std::chrono::milliseconds lock_wait = std::chrono::seconds(10));
  ~BatchLedger();
  BatchLedger(const BatchLedger&) = delete;
  BatchLedger& operator=(const BatchLedger&) = delete;

  // Records requests as exported (to a file, or in the batch `batch_id`), in one transaction.
  std::expected<void, std::string> record_exported(std::span<const StoreKey> keys, const std::string& batch_id = {});
  // Whether the request was ever exported from this store.
  [[nodiscard]] bool exported(const StoreKey& key);
  // Whether a submitted batch not yet collected holds the request (it is paid for: never again).
  [[nodiscard]] bool held_by_open_batch(const StoreKey& key);

  std::expected<void, std::string> add_batch(const SubmittedBatch& batch);
  std::expected<void, std::string> update_batch(const std::string& id, const std::string& status, bool collected);
  // Every batch submitted from this store, oldest first; with `open_only`, those not yet collected.
  [[nodiscard]] std::expected<std::vector<SubmittedBatch>, std::string> batches(bool open_only);

 private:
  struct Statements;
  BatchLedger(std::string path, std::unique_ptr<Statements> statements);
  std::string path_;
  std::unique_ptr<Statements> s_;
};

}  // namespace synthgen
