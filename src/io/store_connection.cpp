// Opening the response store's SQLite file while other processes open it too: the busy timeout is
// set before anything, and the steps SQLite refuses with SQLITE_BUSY without waiting are retried.
#include "synthgen/io/store_connection.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>

namespace synthgen {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* create_table = R"sql(
CREATE TABLE IF NOT EXISTS answers (
  key BLOB PRIMARY KEY,
  answer TEXT NOT NULL,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  stored_at INTEGER NOT NULL DEFAULT (unixepoch()),
  no_text TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
)sql";

// Stores made before the no_text column get it, empty: their answers all had text to read.
constexpr const char* has_no_text_column = "SELECT count(*) FROM pragma_table_info('answers') WHERE name = 'no_text'";
constexpr const char* add_no_text_column = "ALTER TABLE answers ADD COLUMN no_text TEXT NOT NULL DEFAULT ''";

bool is_busy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

// Runs `step` (an SQLite result code) again while another connection holds the lock it needs, up to
// `lock_wait` in all. The busy timeout does not cover every such lock: SQLite answers SQLITE_BUSY at
// once where waiting could deadlock (a reader that wants to write) and while another connection
// recovers the WAL, and two openers of a new file meet exactly those.
int retry_while_busy(std::chrono::milliseconds lock_wait, const std::function<int()>& step) {
  const auto deadline = Clock::now() + lock_wait;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    const int rc = step();
    if (!is_busy(rc) || Clock::now() >= deadline) return rc;
    std::this_thread::sleep_for(std::min(pause, std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now())));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

// What went wrong, with advice that fits: only a file that is not a database may be removed; a
// locked one belongs to another run, whose answers removing it would destroy.
std::string open_error(sqlite3* db, int rc, const std::string& path, std::chrono::milliseconds lock_wait) {
  const int primary = rc & 0xff;
  const std::string what = "cannot use the response store " + path + ": ";
  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) return what + sqlite3_errmsg(db) + " (remove it or choose another --cache)";
  if (is_busy(rc)) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(lock_wait.count()) / 1000.0);
    return what + "it is locked by another connection and stayed so for " + seconds +
           " s; another synthgen run may be using it: let it finish, or choose another --cache";
  }
  return what + sqlite3_errmsg(db) + "; check the file and its directory, or choose another --cache";
}

int add_missing_columns(sqlite3* db) {
  int count = 0;
  const int rc = sqlite3_exec(
      db, has_no_text_column,
      [](void* out, int /*columns*/, char** values, char** /*names*/) {
        *static_cast<int*>(out) = values[0] == nullptr ? 0 : std::atoi(values[0]);
        return 0;
      },
      &count, nullptr);
  if (rc != SQLITE_OK || count > 0) return rc;
  return sqlite3_exec(db, add_no_text_column, nullptr, nullptr, nullptr);
}

// The table in a write transaction of its own; IF NOT EXISTS makes a second creator's a no-op, and
// the transaction makes the check for a missing column and its addition one step.
int create_schema(sqlite3* db) {
  int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return rc;
  rc = sqlite3_exec(db, create_table, nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) rc = add_missing_columns(db);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK && sqlite3_get_autocommit(db) == 0) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return rc;
}

}  // namespace

void ConnectionCloser::operator()(sqlite3* db) const { sqlite3_close(db); }
void StatementCloser::operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }

std::expected<Connection, std::string> connect_store(const std::string& path, std::chrono::milliseconds lock_wait) {
  sqlite3* raw = nullptr;
  const auto old_mask = ::umask(077);  // the store holds the user's prompts and answers: owner only
  // NOMUTEX: each connection is used by one thread at a time (the caller's, or the writer's).
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  ::umask(old_mask);
  Connection db(raw);
  if (rc != SQLITE_OK) return std::unexpected("cannot open the response store " + path + ": " + sqlite3_errmsg(raw));
  sqlite3_busy_timeout(raw, static_cast<int>(lock_wait.count()));  // before any statement: every lock below waits
  return db;
}

std::expected<void, std::string> set_up_schema(sqlite3* db, const std::string& path, std::chrono::milliseconds lock_wait) {
  // Switching a new file to WAL takes an exclusive lock, which SQLite refuses with SQLITE_BUSY,
  // busy timeout or not, while another opener reads the file.
  if (auto wal = execute(db, "PRAGMA journal_mode = WAL", path, lock_wait); !wal) return wal;
  if (const int rc = retry_while_busy(lock_wait, [&] { return create_schema(db); }); rc != SQLITE_OK) {
    return std::unexpected(open_error(db, rc, path, lock_wait));
  }
  return {};
}

std::expected<bool, std::string> has_no_rows(sqlite3* db, const std::string& path, std::chrono::milliseconds lock_wait) {
  auto any = prepare(db, "SELECT EXISTS (SELECT 1 FROM answers)", path, lock_wait);
  if (!any) return std::unexpected(any.error());
  const int rc = retry_while_busy(lock_wait, [&] {
    sqlite3_reset(any->get());
    return sqlite3_step(any->get());
  });
  if (rc != SQLITE_ROW) return std::unexpected(open_error(db, rc, path, lock_wait));
  return sqlite3_column_int(any->get(), 0) == 0;
}

std::expected<Statement, std::string> prepare(sqlite3* db, const char* sql, const std::string& path, std::chrono::milliseconds lock_wait) {
  sqlite3_stmt* raw = nullptr;
  const int rc = retry_while_busy(lock_wait, [&] { return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr); });
  if (rc != SQLITE_OK) return std::unexpected(open_error(db, rc, path, lock_wait));
  return Statement(raw);
}

std::expected<void, std::string> execute(sqlite3* db, const char* sql, const std::string& path, std::chrono::milliseconds lock_wait) {
  const int rc = retry_while_busy(lock_wait, [&] { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); });
  if (rc != SQLITE_OK) return std::unexpected(open_error(db, rc, path, lock_wait));
  return {};
}

}  // namespace synthgen
