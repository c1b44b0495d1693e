// The batch tables: exported requests (key -> the batch that holds it, NULL for a file export) and
// submitted batches. Point lookups by primary key; writes in one transaction per call.
#include "synthgen/io/batch_ledger.hpp"

#include <sqlite3.h>

#include "synthgen/io/store_connection.hpp"

namespace synthgen {
namespace {

constexpr const char* create_tables =
    "CREATE TABLE IF NOT EXISTS batch_requests (key BLOB PRIMARY KEY, batch_id TEXT) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS batches (id TEXT PRIMARY KEY, input_file_id TEXT NOT NULL, part TEXT NOT NULL,"
    " requests INTEGER NOT NULL, status TEXT NOT NULL, collected INTEGER NOT NULL DEFAULT 0,"
    " created REAL NOT NULL DEFAULT (julianday('now')));";

std::string column_text(sqlite3_stmt* s, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
  return text == nullptr ? std::string() : std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, column)));
}

// Runs a statement that returns no row, then resets it.
bool step_done(sqlite3_stmt* s) {
  const bool done = sqlite3_step(s) == SQLITE_DONE;
  sqlite3_reset(s);
  return done;
}

}  // namespace

struct BatchLedger::Statements {
  Connection db;
  Statement insert_request;
  Statement find_request;
  Statement find_open;
  Statement insert_batch;
  Statement update_batch;
  Statement list_batches;
  std::chrono::milliseconds lock_wait;
};

std::expected<std::unique_ptr<BatchLedger>, std::string> BatchLedger::open(const std::string& path, std::chrono::milliseconds lock_wait) {
  auto s = std::make_unique<Statements>();
  s->lock_wait = lock_wait;
  auto db = connect_store(path, lock_wait);
  if (!db) return std::unexpected(db.error());
  s->db = std::move(*db);
  auto* raw = s->db.get();
  if (auto made = execute(raw, create_tables, path, lock_wait); !made) return std::unexpected(made.error());
  const std::pair<Statement*, const char*> statements[] = {
      {&s->insert_request,
       "INSERT INTO batch_requests (key, batch_id) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET batch_id = "
       "COALESCE(excluded.batch_id, batch_id)"},
      {&s->find_request, "SELECT 1 FROM batch_requests WHERE key = ?1"},
      {&s->find_open, "SELECT 1 FROM batch_requests r JOIN batches b ON b.id = r.batch_id WHERE r.key = ?1 AND b.collected = 0"},
      {&s->insert_batch,
       "INSERT OR REPLACE INTO batches (id, input_file_id, part, requests, status, collected) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
      {&s->update_batch, "UPDATE batches SET status = ?2, collected = ?3 WHERE id = ?1"},
      {&s->list_batches,
       "SELECT id, input_file_id, part, requests, status, collected FROM batches WHERE collected = 0 OR ?1 = 0 ORDER BY created, rowid"},
  };
  for (const auto& [statement, sql] : statements) {
    auto prepared = prepare(raw, sql, path, lock_wait);
    if (!prepared) return std::unexpected(prepared.error());
    *statement = std::move(*prepared);
  }
  return std::unique_ptr<BatchLedger>(new BatchLedger(path, std::move(s)));
}

std::expected<std::size_t, std::string> BatchLedger::requests_in_open_batches(const std::string& path,
                                                                              std::chrono::milliseconds lock_wait) {
  auto db = connect_store(path, lock_wait);
  if (!db) return std::unexpected(db.error());
  auto has_table = prepare(db->get(), "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batches'", path, lock_wait);
  if (!has_table) return std::unexpected(has_table.error());
  if (sqlite3_step(has_table->get()) != SQLITE_ROW) return 0;
  auto sum = prepare(db->get(), "SELECT COALESCE(SUM(requests), 0) FROM batches WHERE collected = 0", path, lock_wait);
  if (!sum) return std::unexpected(sum.error());
  if (sqlite3_step(sum->get()) != SQLITE_ROW)
    return std::unexpected("cannot read the batches in " + path + ": " + sqlite3_errmsg(db->get()));
  return static_cast<std::size_t>(sqlite3_column_int64(sum->get(), 0));
}

BatchLedger::BatchLedger(std::string path, std::unique_ptr<Statements> statements) : path_(std::move(path)), s_(std::move(statements)) {}
BatchLedger::~BatchLedger() = default;

std::expected<void, std::string> BatchLedger::record_exported(std::span<const StoreKey> keys, const std::string& batch_id) {
  auto* db = s_->db.get();
  if (auto begun = execute(db, "BEGIN IMMEDIATE", path_, s_->lock_wait); !begun) return begun;
  auto* s = s_->insert_request.get();
  for (const auto& key : keys) {
    sqlite3_bind_blob(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    if (batch_id.empty()) {
      sqlite3_bind_null(s, 2);
    } else {
      sqlite3_bind_text(s, 2, batch_id.data(), static_cast<int>(batch_id.size()), SQLITE_STATIC);
    }
    if (!step_done(s)) {
      std::string error = sqlite3_errmsg(db);
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      return std::unexpected("cannot record the exported requests in " + path_ + ": " + error);
    }
  }
  return execute(db, "COMMIT", path_, s_->lock_wait);
}

bool BatchLedger::exported(const StoreKey& key) {
  auto* s = s_->find_request.get();
  sqlite3_bind_blob(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  const bool found = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_reset(s);
  return found;
}

bool BatchLedger::held_by_open_batch(const StoreKey& key) {
  auto* s = s_->find_open.get();
  sqlite3_bind_blob(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  const bool found = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_reset(s);
  return found;
}

std::expected<void, std::string> BatchLedger::add_batch(const SubmittedBatch& batch) {
  auto* s = s_->insert_batch.get();
  sqlite3_bind_text(s, 1, batch.id.data(), static_cast<int>(batch.id.size()), SQLITE_STATIC);
  sqlite3_bind_text(s, 2, batch.input_file_id.data(), static_cast<int>(batch.input_file_id.size()), SQLITE_STATIC);
  sqlite3_bind_text(s, 3, batch.part.data(), static_cast<int>(batch.part.size()), SQLITE_STATIC);
  sqlite3_bind_int64(s, 4, static_cast<sqlite3_int64>(batch.requests));
  sqlite3_bind_text(s, 5, batch.status.data(), static_cast<int>(batch.status.size()), SQLITE_STATIC);
  sqlite3_bind_int(s, 6, batch.collected ? 1 : 0);
  if (!step_done(s)) return std::unexpected("cannot record batch " + batch.id + " in " + path_ + ": " + sqlite3_errmsg(s_->db.get()));
  return {};
}

std::expected<void, std::string> BatchLedger::update_batch(const std::string& id, const std::string& status, bool collected) {
  auto* s = s_->update_batch.get();
  sqlite3_bind_text(s, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
  sqlite3_bind_text(s, 2, status.data(), static_cast<int>(status.size()), SQLITE_STATIC);
  sqlite3_bind_int(s, 3, collected ? 1 : 0);
  if (!step_done(s)) return std::unexpected("cannot record batch " + id + " in " + path_ + ": " + sqlite3_errmsg(s_->db.get()));
  return {};
}

std::expected<std::vector<SubmittedBatch>, std::string> BatchLedger::batches(bool open_only) {
  auto* s = s_->list_batches.get();
  sqlite3_bind_int(s, 1, open_only ? 1 : 0);
  std::vector<SubmittedBatch> out;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    out.push_back({column_text(s, 0), column_text(s, 1), column_text(s, 2), static_cast<std::size_t>(sqlite3_column_int64(s, 3)),
                   column_text(s, 4), sqlite3_column_int(s, 5) != 0});
  }
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) return std::unexpected("cannot read the batches in " + path_ + ": " + sqlite3_errmsg(s_->db.get()));
  return out;
}

}  // namespace synthgen
