// SQLite (WAL) store of answers keyed by SHA-256, with prepared statements and batched writes.
#include "synthgen/io/response_store.hpp"

#include <openssl/evp.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>

namespace synthgen {
namespace {

constexpr std::size_t batch_size = 64;
constexpr auto batch_age = std::chrono::milliseconds(200);

constexpr const char* schema = R"sql(
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS answers (
  key BLOB PRIMARY KEY,
  answer TEXT NOT NULL,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  stored_at INTEGER NOT NULL DEFAULT (unixepoch())
) WITHOUT ROWID;
)sql";

struct StatementCloser {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementCloser>;

std::string ensure_private_directory(const std::string& path) {
  const auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) return {};
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return "cannot create " + dir.string() + ": " + ec.message();
    ::chmod(dir.c_str(), 0700);
  }
  return {};
}

}  // namespace

struct ResponseStore::Db {
  sqlite3* handle = nullptr;
  Statement select;
  Statement insert;
  ~Db() {
    select.reset();
    insert.reset();
    if (handle != nullptr) sqlite3_close(handle);
  }
  [[nodiscard]] std::string error() const { return sqlite3_errmsg(handle); }
};

StoreKey make_store_key(ApiKind api, const std::string& model, const std::string& request_body, int vote) {
  // Fields joined with a separator that cannot occur in them unescaped (the body is JSON).
  const std::string material =
      std::string(api == ApiKind::tgi ? "tgi" : "openai") + '\0' + model + '\0' + request_body + '\0' + std::to_string(vote);
  StoreKey key{};
  unsigned int length = 0;
  EVP_Digest(material.data(), material.size(), key.data(), &length, EVP_sha256(), nullptr);
  return key;
}

std::expected<std::unique_ptr<ResponseStore>, std::string> ResponseStore::open(const std::string& path) {
  if (auto error = ensure_private_directory(path); !error.empty()) return std::unexpected(error);
  auto db = std::make_unique<Db>();
  const auto old_mask = ::umask(077);  // the store holds the user's prompts and answers: owner only
  const int rc = sqlite3_open_v2(path.c_str(), &db->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  ::umask(old_mask);
  if (rc != SQLITE_OK) return std::unexpected("cannot open the response store " + path + ": " + db->error());
  sqlite3_busy_timeout(db->handle, 5000);
  if (sqlite3_exec(db->handle, schema, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return std::unexpected("cannot use the response store " + path + ": " + db->error() + " (remove it or choose another --cache)");
  }
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db->handle, "SELECT answer, prompt_tokens, completion_tokens FROM answers WHERE key = ?1", -1,
                         SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
    return std::unexpected("the response store " + path + " is not usable: " + db->error());
  }
  db->select.reset(raw);
  if (sqlite3_prepare_v3(db->handle,
                         "INSERT OR REPLACE INTO answers (key, answer, prompt_tokens, completion_tokens) VALUES (?1, ?2, ?3, ?4)", -1,
                         SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
    return std::unexpected("the response store " + path + " is not usable: " + db->error());
  }
  db->insert.reset(raw);
  return std::unique_ptr<ResponseStore>(new ResponseStore(std::move(db), path));
}

ResponseStore::ResponseStore(std::unique_ptr<Db> db, std::string path)
    : db_(std::move(db)), path_(std::move(path)), last_flush_(std::chrono::steady_clock::now()) {}

ResponseStore::~ResponseStore() { (void)flush(); }

std::optional<InferenceAnswer> ResponseStore::find(const StoreKey& key) {
  auto* s = db_->select.get();
  sqlite3_reset(s);
  sqlite3_bind_blob(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  if (sqlite3_step(s) != SQLITE_ROW) return std::nullopt;
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  InferenceAnswer answer{std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, 0))),
                         {sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2)}};
  sqlite3_reset(s);
  return answer;
}

void ResponseStore::add(const StoreKey& key, const InferenceAnswer& answer) {
  pending_.emplace_back(key, answer);
  if (pending_.size() >= batch_size || std::chrono::steady_clock::now() - last_flush_ >= batch_age) (void)flush();
}

std::expected<void, std::string> ResponseStore::flush() {
  last_flush_ = std::chrono::steady_clock::now();
  if (pending_.empty()) return {};
  if (sqlite3_exec(db_->handle, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return std::unexpected(db_->error());
  auto* s = db_->insert.get();
  for (const auto& [key, answer] : pending_) {
    sqlite3_reset(s);
    sqlite3_bind_blob(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 2, answer.text.data(), static_cast<int>(answer.text.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, answer.usage.prompt);
    sqlite3_bind_int64(s, 4, answer.usage.completion);
    if (sqlite3_step(s) != SQLITE_DONE) {
      const auto error = db_->error();
      sqlite3_exec(db_->handle, "ROLLBACK", nullptr, nullptr, nullptr);
      return std::unexpected(error);
    }
  }
  sqlite3_reset(s);
  if (sqlite3_exec(db_->handle, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return std::unexpected(db_->error());
  pending_.clear();
  return {};
}

}  // namespace synthgen
