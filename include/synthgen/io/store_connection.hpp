// The response store's SQLite connections. Another synthgen run may open or write the same file at
// the same moment, so each connection waits for locks from its first statement on, each step of
// opening is tried again while the other process holds the lock it needs, and an error gives the
// advice that fits: only a file that is not a database may be removed, never a busy store.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace synthgen {

struct ConnectionCloser {
  void operator()(sqlite3* db) const;
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;
struct StatementCloser {
  void operator()(sqlite3_stmt* statement) const;
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementCloser>;

// Opens or creates `path` (owner-only), read-write, for use by one thread at a time; locks held by
// other connections are waited for up to `lock_wait`.
std::expected<Connection, std::string> connect_store(const std::string& path, std::chrono::milliseconds lock_wait);

// Switches the file to WAL and creates the answers table if it is not there.
std::expected<void, std::string> set_up_schema(sqlite3* db, const std::string& path, std::chrono::milliseconds lock_wait);

// Whether the answers table is empty.
std::expected<bool, std::string> has_no_rows(sqlite3* db, const std::string& path, std::chrono::milliseconds lock_wait);

// A persistent prepared statement.
std::expected<Statement, std::string> prepare(sqlite3* db, const char* sql, const std::string& path, std::chrono::milliseconds lock_wait);

// Runs SQL that returns no rows (e.g. a PRAGMA).
std::expected<void, std::string> execute(sqlite3* db, const char* sql, const std::string& path, std::chrono::milliseconds lock_wait);

}  // namespace synthgen
