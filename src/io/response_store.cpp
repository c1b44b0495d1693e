// SQLite (WAL) store of answers keyed by SHA-256. Lookups use a prepared statement on the caller's
// connection; writes are queued and committed in batches by a writer thread on a second connection,
// so neither an insert nor a checkpoint's fsync ever holds up the thread that drives the requests.
#include "synthgen/io/response_store.hpp"

#include <openssl/evp.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "synthgen/core/wire_format.hpp"
#include "synthgen/io/store_connection.hpp"

namespace synthgen {
namespace {

using Clock = std::chrono::steady_clock;

// A transaction writes every B-tree page its random keys touch (about one 4 KiB WAL frame per key
// for batches of 64): bigger batches cost the writer less, 9.3 -> 3.9 us an answer from 64 to 512 at
// 7k answers/s. A kill -9 loses what is not committed: while the writer keeps up, at most 512
// answers or the last 200 ms of them.
constexpr std::size_t batch_size = 512;
constexpr auto batch_age = std::chrono::milliseconds(200);
// 1 MiB, two bits a key: a key never added looks added (costing a lookup) 1 time in 44,000 after
// 20k adds, 1 in 80 after 500k.
constexpr std::size_t added_filter_bits = std::size_t{1} << 23;

// The writer's connection: commits without fsync (WAL: a crash loses at most the last commits,
// never the file), and checkpoints, which do fsync, happen on the writer thread.
constexpr const char* writer_settings = "PRAGMA synchronous = NORMAL;";

struct Entry {
  StoreKey key;
  InferenceAnswer answer;
};

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

// The key is a SHA-256: its bytes are uniform, so two of its 8-byte words are two independent hashes.
std::array<std::size_t, 2> filter_bits(const StoreKey& key) {
  std::array<std::uint64_t, 2> words{};
  std::memcpy(words.data(), key.data(), sizeof words);
  return {static_cast<std::size_t>(words[0] % added_filter_bits), static_cast<std::size_t>(words[1] % added_filter_bits)};
}

// Starts `body` on a thread that takes no signal: SIGINT and SIGTERM stay with the thread that runs
// the requests, and no handler interrupts the writer's file calls.
std::thread start_without_signals(std::function<void()> body) {
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);  // a new thread inherits the mask of the one that starts it
  struct Restore {
    sigset_t* mask;
    ~Restore() { pthread_sigmask(SIG_SETMASK, mask, nullptr); }
  } restore{&old};
  return std::thread(std::move(body));
}

// SHA-256 fetched once and one reusable context: EVP_Digest fetches the algorithm and allocates a
// context on every call, which cost more than hashing a request body.
class Sha256 {
 public:
  Sha256() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {}
  ~Sha256() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void begin() {
    if (md_ == nullptr || ctx_ == nullptr || EVP_DigestInit_ex2(ctx_, md_, nullptr) != 1) {
      throw std::runtime_error("OpenSSL has no SHA-256 (check the OpenSSL installation and its default provider)");
    }
  }
  void update(std::string_view part) { EVP_DigestUpdate(ctx_, part.data(), part.size()); }
  StoreKey finish() {
    StoreKey key{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_, key.data(), &length);
    return key;
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

}  // namespace

StoreKey make_store_key(ApiKind api, const std::string& model, const std::string& request_body, int vote) {
  // Fields joined with a separator that cannot occur in them unescaped (the body is JSON).
  thread_local Sha256 sha;
  constexpr std::string_view separator("\0", 1);
  char digits[16];
  const auto vote_end = std::to_chars(std::begin(digits), std::end(digits), vote).ptr;
  sha.begin();
  sha.update(wire_format(api).store_tag);
  sha.update(separator);
  sha.update(model);
  sha.update(separator);
  sha.update(request_body);
  sha.update(separator);
  sha.update(std::string_view(digits, static_cast<std::size_t>(vote_end - digits)));
  return sha.finish();
}

// The caller's connection, for point lookups only.
struct ResponseStore::Reader {
  Connection db;
  Statement select;

  std::optional<InferenceAnswer> find(const StoreKey& key) {
    auto* s = select.get();
    sqlite3_bind_blob(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    std::optional<InferenceAnswer> answer;
    if (sqlite3_step(s) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      const auto* no_text = reinterpret_cast<const char*>(sqlite3_column_text(s, 3));
      answer = InferenceAnswer{std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, 0))),
                               {sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2)},
                               no_text == nullptr ? std::string() : std::string(no_text)};
    }
    sqlite3_reset(s);  // ends the read transaction: the writer's checkpoints can reach the end of the WAL
    return answer;
  }
};

// The writer thread and its queue. add() appends under the mutex; the thread takes the whole
// queue as one batch, commits it in one transaction, and puts it back on failure.
class ResponseStore::Writer {
 public:
  Writer(Connection db, Statement insert)
      : db_(std::move(db)), insert_(std::move(insert)), thread_(start_without_signals([this] { run(); })) {}
  ~Writer() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;  // the thread makes one last attempt at what is queued, then ends
    }
    wake_.notify_one();
    thread_.join();
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void push(const StoreKey& key, const InferenceAnswer& answer);
  std::expected<void, std::string> flush();
  std::optional<InferenceAnswer> find_queued(const StoreKey& key);

 private:
  void run();
  [[nodiscard]] bool due(Clock::time_point now) const;
  [[nodiscard]] Clock::time_point next_due() const;
  void write_queue(std::unique_lock<std::mutex>& lock);
  std::string commit(const std::vector<Entry>& batch);

  Connection db_;
  Statement insert_;
  std::mutex mutex_;
  std::condition_variable wake_;  // the writer: a batch is full, a flush is asked for, or stop
  std::condition_variable done_;  // flush(): a pass is over
  std::vector<Entry> queue_;
  std::vector<Entry> writing_;    // the batch being committed: read by the thread unlocked, changed locked
  Clock::time_point oldest_{};    // when the first entry of queue_ came
  Clock::time_point retry_at_{};  // after a failed commit, no new attempt before this (but for flush)
  std::uint64_t flushes_asked_ = 0;
  std::uint64_t flushes_done_ = 0;
  std::string error_;  // the first failure since the last successful commit
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once everything above is built
};

void ResponseStore::Writer::push(const StoreKey& key, const InferenceAnswer& answer) {
  std::size_t queued = 0;
  {
    const std::lock_guard lock(mutex_);
    if (queue_.empty()) oldest_ = Clock::now();
    queue_.push_back(Entry{key, answer});
    queued = queue_.size();
  }
  // The first entry sets the thread's deadline (the age limit), a full batch is due at once.
  if (queued == 1 || queued == batch_size) wake_.notify_one();
}

std::expected<void, std::string> ResponseStore::Writer::flush() {
  std::unique_lock lock(mutex_);
  const auto ticket = ++flushes_asked_;
  wake_.notify_one();
  done_.wait(lock, [&] { return flushes_done_ >= ticket; });
  if (error_.empty()) return {};
  return std::unexpected(error_);
}

// An answer added but not yet committed (only asked for keys added in this run).
std::optional<InferenceAnswer> ResponseStore::Writer::find_queued(const StoreKey& key) {
  const std::lock_guard lock(mutex_);
  for (const auto* entries : {&queue_, &writing_}) {
    const auto it = std::find_if(entries->rbegin(), entries->rend(), [&](const Entry& e) { return e.key == key; });
    if (it != entries->rend()) return it->answer;
  }
  return std::nullopt;
}

bool ResponseStore::Writer::due(Clock::time_point now) const {
  if (queue_.empty() || now < retry_at_) return false;
  return queue_.size() >= batch_size || now - oldest_ >= batch_age;
}

Clock::time_point ResponseStore::Writer::next_due() const {
  const auto idle = Clock::now() + std::chrono::hours(1);  // nothing queued: only a notify wakes it
  return queue_.empty() ? idle : std::max(oldest_ + batch_age, retry_at_);
}

void ResponseStore::Writer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!stopping_ && flushes_asked_ == flushes_done_ && !due(Clock::now())) {
      wake_.wait_until(lock, next_due());  // not the predicate form: each wake-up may bring a new deadline
      continue;
    }
    const auto asked = flushes_asked_;  // every add before these flushes is in queue_ or writing_
    write_queue(lock);
    flushes_done_ = asked;
    done_.notify_all();
    if (stopping_) return;
  }
}

void ResponseStore::Writer::write_queue(std::unique_lock<std::mutex>& lock) {
  if (queue_.empty()) return;
  writing_.swap(queue_);  // writing_ is empty here; the swap keeps both buffers' capacity
  lock.unlock();
  auto error = commit(writing_);
  lock.lock();
  if (error.empty()) {
    error_.clear();  // a success commits everything that failed before: it was at the front
    writing_.clear();
    return;
  }
  if (error_.empty()) error_ = std::move(error);
  // Keep every answer: the failed batch goes back in front of what came meanwhile.
  writing_.insert(writing_.end(), std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
  queue_.swap(writing_);
  writing_.clear();
  oldest_ = Clock::now();
  retry_at_ = oldest_ + batch_age;
}

// One transaction for the whole batch; returns the error text, empty on success.
std::string ResponseStore::Writer::commit(const std::vector<Entry>& batch) {
  auto* db = db_.get();
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return sqlite3_errmsg(db);
  auto* s = insert_.get();
  for (const auto& [key, answer] : batch) {
    sqlite3_bind_blob(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 2, answer.text.data(), static_cast<int>(answer.text.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, answer.usage.prompt);
    sqlite3_bind_int64(s, 4, answer.usage.completion);
    sqlite3_bind_text(s, 5, answer.no_text.data(), static_cast<int>(answer.no_text.size()), SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
      std::string error = sqlite3_errmsg(db);
      sqlite3_reset(s);
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      return error;
    }
    sqlite3_reset(s);
  }
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::string error = sqlite3_errmsg(db);
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return error;
  }
  return {};
}

namespace {

// SQLite writes side files beside its database (-journal, -wal, -shm): a device or a FIFO would
// be taken for an empty database and get them next to it, in /dev for /dev/null.
std::string refuse_non_regular(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return {};
  const auto what = S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" : "a device or a socket";
  return "cannot use the response store " + path + ": it is " + what + ", not a regular file; give --cache a file path, or --no-cache";
}

}  // namespace

std::expected<std::unique_ptr<ResponseStore>, std::string> ResponseStore::open(const std::string& path,
                                                                               std::chrono::milliseconds lock_wait) {
  if (auto error = refuse_non_regular(path); !error.empty()) return std::unexpected(error);
  if (auto error = ensure_private_directory(path); !error.empty()) return std::unexpected(error);
  auto reader = std::make_unique<Reader>();
  auto db = connect_store(path, lock_wait);
  if (!db) return std::unexpected(db.error());
  reader->db = std::move(*db);
  auto* rdb = reader->db.get();
  if (auto schema = set_up_schema(rdb, path, lock_wait); !schema) return std::unexpected(schema.error());
  const auto empty = has_no_rows(rdb, path, lock_wait);
  if (!empty) return std::unexpected(empty.error());
  auto select = prepare(rdb, "SELECT answer, prompt_tokens, completion_tokens, no_text FROM answers WHERE key = ?1", path, lock_wait);
  if (!select) return std::unexpected(select.error());
  reader->select = std::move(*select);

  auto writer_db = connect_store(path, lock_wait);
  if (!writer_db) return std::unexpected(writer_db.error());
  if (auto set = execute(writer_db->get(), writer_settings, path, lock_wait); !set) return std::unexpected(set.error());
  auto insert =
      prepare(writer_db->get(),
              "INSERT OR REPLACE INTO answers (key, answer, prompt_tokens, completion_tokens, no_text) VALUES (?1, ?2, ?3, ?4, ?5)", path,
              lock_wait);
  if (!insert) return std::unexpected(insert.error());
  auto writer = std::make_unique<Writer>(std::move(*writer_db), std::move(*insert));
  return std::unique_ptr<ResponseStore>(new ResponseStore(std::move(reader), std::move(writer), path, *empty));
}

ResponseStore::ResponseStore(std::unique_ptr<Reader> reader, std::unique_ptr<Writer> writer, std::string path, bool empty_at_open)
    : reader_(std::move(reader)),
      writer_(std::move(writer)),
      path_(std::move(path)),
      empty_at_open_(empty_at_open),
      added_bits_(added_filter_bits / 64) {}

ResponseStore::~ResponseStore() {
  (void)flush();
  writer_.reset();  // joins the thread and closes its connection before the reader's
}

std::optional<InferenceAnswer> ResponseStore::find(const StoreKey& key) {
  const bool added = maybe_added(key);
  if (empty_at_open_ && !added) return std::nullopt;
  if (added) {  // checked before the table: the writer empties its batch only once it is committed
    if (auto queued = writer_->find_queued(key)) return queued;
  }
  return reader_->find(key);
}

void ResponseStore::add(const StoreKey& key, const InferenceAnswer& answer) {
  remember_added(key);
  writer_->push(key, answer);
}

std::expected<void, std::string> ResponseStore::flush() { return writer_->flush(); }

void ResponseStore::remember_added(const StoreKey& key) {
  for (const auto bit : filter_bits(key)) added_bits_[bit / 64] |= std::uint64_t{1} << (bit % 64);
}

bool ResponseStore::maybe_added(const StoreKey& key) const {
  for (const auto bit : filter_bits(key)) {
    if ((added_bits_[bit / 64] >> (bit % 64) & 1U) == 0) return false;
  }
  return true;
}

}  // namespace synthgen
