// The response store: keys that tell votes and parameters apart and stay those of older stores,
// persistence, owner-only files, and the writer thread (batches, flush, errors that lose nothing).
#include "synthgen/io/response_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace synthgen {
namespace {

using StoreTest = testing::TempDir;

std::string hex(const StoreKey& key) {
  std::string out;
  for (const auto byte : key) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", byte);
    out += two;
  }
  return out;
}

// Runs SQL on the store's file through a connection of its own (as another process would).
void exec_sql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

StoreKey key_of(int i) { return make_store_key(ApiKind::openai, "m", "body " + std::to_string(i), 0); }

TEST(StoreKey, EveryPartOfTheRequestChangesTheKey) {
  const auto base = make_store_key(ApiKind::openai, "m", R"({"seed":1})", 0);
  EXPECT_EQ(base, make_store_key(ApiKind::openai, "m", R"({"seed":1})", 0));
  EXPECT_NE(base, make_store_key(ApiKind::openai, "m", R"({"seed":1})", 1)) << "two votes are never one entry";
  EXPECT_NE(base, make_store_key(ApiKind::tgi, "m", R"({"seed":1})", 0));
  EXPECT_NE(base, make_store_key(ApiKind::openai, "m2", R"({"seed":1})", 0));
  EXPECT_NE(base, make_store_key(ApiKind::openai, "m", R"({"seed":2})", 0));
}

TEST(StoreKey, IsTheSha256OfThePartsJoinedByNulSoOldStoresKeepTheirAnswers) {
  // printf 'openai\000m\000body\0002' | sha256sum
  EXPECT_EQ(hex(make_store_key(ApiKind::openai, "m", "body", 2)), "f687d01415f59540e711f031f60474ff9fc3032530473fafa4045584a52c4f2e");
  // printf 'tgi\000mistralai/Mixtral-8x7B-Instruct-v0.1\000{"inputs":"x"}\00017' | sha256sum
  EXPECT_EQ(hex(make_store_key(ApiKind::tgi, "mistralai/Mixtral-8x7B-Instruct-v0.1", R"({"inputs":"x"})", 17)),
            "fab78d09937c6c00720eb242aa49870e30db373511b2621a1cecc4f1378af577");
}

TEST_F(StoreTest, AnswersSurviveReopeningAndFilesAreOwnerOnly) {
  const auto path = (dir_ / "cache" / "responses.sqlite3").string();
  const auto key = make_store_key(ApiKind::openai, "m", "body", 2);
  {
    auto store = ResponseStore::open(path);
    ASSERT_TRUE(store.has_value()) << store.error();
    EXPECT_FALSE((*store)->find(key).has_value());
    (*store)->add(key, InferenceAnswer{" Neutral", {46, 3}, {}});
    ASSERT_TRUE((*store)->flush().has_value());
  }
  auto store = ResponseStore::open(path);
  ASSERT_TRUE(store.has_value());
  const auto found = (*store)->find(key);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->text, " Neutral");
  EXPECT_EQ(found->usage.prompt, 46);
  EXPECT_EQ(found->usage.completion, 3);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0077, 0u) << "the store holds the user's prompts";
  ASSERT_EQ(::stat((dir_ / "cache").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0077, 0u);
}

// The reason an answer had no text decides its vote: a rerun from the store must see it too.
TEST_F(StoreTest, TheNoTextReasonIsStoredWithTheAnswer) {
  const auto path = (dir_ / "responses.sqlite3").string();
  {
    auto store = ResponseStore::open(path);
    ASSERT_TRUE(store.has_value()) << store.error();
    (*store)->add(key_of(1), InferenceAnswer{"", {412, 21}, "no_text"});
    (*store)->add(key_of(2), InferenceAnswer{"positive", {52, 128}, "length"});
    (*store)->add(key_of(3), InferenceAnswer{"neutral", {5, 1}, ""});
    EXPECT_EQ((*store)->find(key_of(2))->no_text, "length") << "read back before the commit";
    ASSERT_TRUE((*store)->flush().has_value());
  }
  auto store = ResponseStore::open(path);
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ((*store)->find(key_of(1))->no_text, "no_text");
  EXPECT_EQ((*store)->find(key_of(1))->usage.prompt, 412);
  EXPECT_EQ((*store)->find(key_of(2))->no_text, "length");
  EXPECT_EQ((*store)->find(key_of(2))->text, "positive");
  EXPECT_EQ((*store)->find(key_of(3))->no_text, "");
}

// A store written before the no_text column opens, keeps its answers (all with text) and its keys,
// and takes new answers with a reason.
TEST_F(StoreTest, AStoreWithoutTheNoTextColumnGetsIt) {
  const auto path = (dir_ / "old.sqlite3").string();
  exec_sql(path,
           "PRAGMA journal_mode = WAL;"
           "CREATE TABLE answers (key BLOB PRIMARY KEY, answer TEXT NOT NULL, prompt_tokens INTEGER NOT NULL DEFAULT 0,"
           " completion_tokens INTEGER NOT NULL DEFAULT 0, stored_at INTEGER NOT NULL DEFAULT (unixepoch())) WITHOUT ROWID;"
           "INSERT INTO answers (key, answer, prompt_tokens, completion_tokens) VALUES"
           " (X'f687d01415f59540e711f031f60474ff9fc3032530473fafa4045584a52c4f2e', ' Neutral', 46, 3);");
  {
    auto store = ResponseStore::open(path);
    ASSERT_TRUE(store.has_value()) << store.error();
    const auto old = (*store)->find(make_store_key(ApiKind::openai, "m", "body", 2));
    ASSERT_TRUE(old.has_value());
    EXPECT_EQ(old->text, " Neutral");
    EXPECT_EQ(old->usage.prompt, 46);
    EXPECT_EQ(old->no_text, "");
    (*store)->add(key_of(7), InferenceAnswer{"", {1, 1}, "no_text"});
    ASSERT_TRUE((*store)->flush().has_value());
  }
  auto again = ResponseStore::open(path);  // a second open finds the column there
  ASSERT_TRUE(again.has_value()) << again.error();
  EXPECT_EQ((*again)->find(key_of(7))->no_text, "no_text");
}

TEST_F(StoreTest, AFileThatIsNotADatabaseIsAClearError) {
  const auto path = (dir_ / "junk.sqlite3").string();
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("this is not sqlite, just text that is long enough to be a header", f);
    std::fclose(f);
  }
  const auto store = ResponseStore::open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().find("remove it or choose another --cache"), std::string::npos) << store.error();
}

TEST_F(StoreTest, APathThatIsNotARegularFileIsRefusedWithoutSideFiles) {
  const auto fifo = dir_ / "store.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto store = ResponseStore::open(fifo.string());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error(), "cannot use the response store " + fifo.string() +
                               ": it is a FIFO, not a regular file; give --cache a file path, or --no-cache");
  const auto in_dir = ResponseStore::open(dir_.string());
  ASSERT_FALSE(in_dir.has_value());
  EXPECT_NE(in_dir.error().find("it is a directory, not a regular file"), std::string::npos) << in_dir.error();
  std::vector<std::string> expected{"store.fifo"};
  const auto null = dir_ / "null";  // a /dev/null of the test's own (a bug must not touch /dev)
  if (::mknod(null.c_str(), S_IFCHR | 0666, ::makedev(1, 3)) == 0) {
    const auto device = ResponseStore::open(null.string());
    ASSERT_FALSE(device.has_value());
    EXPECT_NE(device.error().find("it is a device or a socket, not a regular file"), std::string::npos) << device.error();
    expected.push_back("null");
  }
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names, expected) << "no -journal, -wal or -shm beside them";
}

TEST_F(StoreTest, AnswersAddedInThisRunAreFoundBeforeAndAfterTheyAreCommitted) {
  auto store = ResponseStore::open((dir_ / "responses.sqlite3").string());
  ASSERT_TRUE(store.has_value()) << store.error();
  auto& s = **store;
  EXPECT_TRUE(s.empty_at_open());
  for (int i = 0; i < 200; ++i) s.add(key_of(i), InferenceAnswer{"answer " + std::to_string(i), {i, 1}, {}});
  for (int i = 0; i < 200; i += 7) {  // queued, being written, or committed: found in every state
    const auto found = s.find(key_of(i));
    ASSERT_TRUE(found.has_value()) << i;
    EXPECT_EQ(found->text, "answer " + std::to_string(i));
  }
  ASSERT_TRUE(s.flush().has_value());
  const auto found = s.find(key_of(199));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->usage.prompt, 199);
  EXPECT_FALSE(s.find(key_of(200)).has_value());
}

TEST_F(StoreTest, AnswersAreCommittedWithoutAFlushOnceTheBatchIsOld) {
  const auto path = (dir_ / "responses.sqlite3").string();
  auto store = ResponseStore::open(path);
  ASSERT_TRUE(store.has_value()) << store.error();
  (*store)->add(key_of(1), InferenceAnswer{"kept", {1, 1}, {}});  // one answer: far below a full batch
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  bool committed = false;
  while (!committed && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto other = ResponseStore::open(path);  // another run (or a run after kill -9) sees only commits
    ASSERT_TRUE(other.has_value()) << other.error();
    committed = !(*other)->empty_at_open();
  }
  EXPECT_TRUE(committed) << "an answer must reach the file within the batch age, not wait for a flush";
}

TEST_F(StoreTest, TheDestructorCommitsWhatIsQueued) {
  const auto path = (dir_ / "responses.sqlite3").string();
  {
    auto store = ResponseStore::open(path);
    ASSERT_TRUE(store.has_value()) << store.error();
    for (int i = 0; i < 10; ++i) (*store)->add(key_of(i), InferenceAnswer{"a", {1, 1}, {}});
  }
  auto store = ResponseStore::open(path);
  ASSERT_TRUE(store.has_value()) << store.error();
  EXPECT_FALSE((*store)->empty_at_open());
  for (int i = 0; i < 10; ++i) EXPECT_TRUE((*store)->find(key_of(i)).has_value()) << i;
}

TEST_F(StoreTest, AWriteErrorIsReturnedByFlushAndLosesNoAnswer) {
  const auto path = (dir_ / "responses.sqlite3").string();
  auto store = ResponseStore::open(path);
  ASSERT_TRUE(store.has_value()) << store.error();
  auto& s = **store;
  exec_sql(path,
           "CREATE TABLE refuse (x); INSERT INTO refuse VALUES (1);"
           "CREATE TRIGGER refuse_answers BEFORE INSERT ON answers WHEN EXISTS (SELECT 1 FROM refuse)"
           " BEGIN SELECT RAISE(ABORT, 'disk says no'); END;");
  for (int i = 0; i < 100; ++i) s.add(key_of(i), InferenceAnswer{"a" + std::to_string(i), {1, 1}, {}});
  const auto failed = s.flush();
  ASSERT_FALSE(failed.has_value());
  EXPECT_NE(failed.error().find("disk says no"), std::string::npos) << failed.error();
  EXPECT_TRUE(s.find(key_of(42)).has_value()) << "a refused answer stays queued";

  exec_sql(path, "DELETE FROM refuse;");
  EXPECT_TRUE(s.flush().has_value()) << "the next flush writes the kept answers and clears the error";
  auto reopened = ResponseStore::open(path);
  ASSERT_TRUE(reopened.has_value()) << reopened.error();
  for (int i = 0; i < 100; ++i) {
    const auto found = (*reopened)->find(key_of(i));
    ASSERT_TRUE(found.has_value()) << i;
    EXPECT_EQ(found->text, "a" + std::to_string(i));
  }
}

// Holds a lock on `path` through a connection of its own until destroyed: another process mid-write.
class LockHolder {
 public:
  LockHolder(const std::string& path, const char* begin) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db_, begin, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
  }
  ~LockHolder() {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }
  LockHolder(const LockHolder&) = delete;
  LockHolder& operator=(const LockHolder&) = delete;

 private:
  sqlite3* db_ = nullptr;
};

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One process of the race below: waits for the start (the pipe's write end closing), opens the
// store, adds its own answer and commits it; exits 0, or 1 with the error written to `error_file`.
[[noreturn]] void race_to_open(const std::string& path, int start_fd, int index, const std::filesystem::path& error_file) {
  char byte = 0;
  [[maybe_unused]] const auto n = ::read(start_fd, &byte, 1);  // EOF: every process is forked
  std::string error;
  if (auto store = ResponseStore::open(path)) {
    (*store)->add(key_of(index), InferenceAnswer{"answer " + std::to_string(index), {1, 1}, {}});
    if (auto flushed = (*store)->flush(); !flushed) error = "flush: " + flushed.error();
  } else {
    error = "open: " + store.error();
  }
  if (!error.empty()) std::ofstream(error_file) << error;
  std::_Exit(error.empty() ? 0 : 1);
}

// Two runs started at once on a new store both work: the busy timeout is set before anything,
// and the switch to WAL and the schema are retried while the other process holds the file.
TEST_F(StoreTest, ProcessesThatOpenOneNewStoreAtOnceAllSucceed) {
  constexpr int rounds = 16;
  constexpr int processes = 8;
  for (int round = 0; round < rounds; ++round) {
    const auto path = (dir_ / ("race" + std::to_string(round)) / "responses.sqlite3").string();
    int start[2];
    ASSERT_EQ(::pipe(start), 0);
    std::vector<pid_t> children;
    for (int i = 0; i < processes; ++i) {
      const pid_t pid = ::fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        ::close(start[1]);
        race_to_open(path, start[0], i, dir_ / ("error" + std::to_string(round) + "-" + std::to_string(i)));
      }
      children.push_back(pid);
    }
    ::close(start[0]);
    ::close(start[1]);  // go
    for (int i = 0; i < processes; ++i) {
      int status = 0;
      ASSERT_EQ(::waitpid(children[static_cast<std::size_t>(i)], &status, 0), children[static_cast<std::size_t>(i)]);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
          << "round " << round << ", process " << i << ": "
          << read_text(dir_ / ("error" + std::to_string(round) + "-" + std::to_string(i)));
    }
    auto store = ResponseStore::open(path);
    ASSERT_TRUE(store.has_value()) << store.error();
    for (int i = 0; i < processes; ++i) {
      const auto found = (*store)->find(key_of(i));
      ASSERT_TRUE(found.has_value()) << "round " << round << ": the answer of process " << i << " is missing";
      EXPECT_EQ(found->text, "answer " + std::to_string(i));
    }
  }
}

// The same race between threads of one process (each store its own connections).
TEST_F(StoreTest, ThreadsThatOpenOneNewStoreAtOnceAllSucceed) {
  constexpr int rounds = 16;
  constexpr int threads = 8;
  for (int round = 0; round < rounds; ++round) {
    const auto path = (dir_ / ("threads" + std::to_string(round)) / "responses.sqlite3").string();
    std::vector<std::string> errors(threads);
    std::atomic<bool> go{false};
    std::vector<std::thread> running;
    for (int i = 0; i < threads; ++i) {
      running.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        auto store = ResponseStore::open(path);
        if (!store) {
          errors[static_cast<std::size_t>(i)] = store.error();
          return;
        }
        (*store)->add(key_of(i), InferenceAnswer{"answer", {1, 1}, {}});
        if (auto flushed = (*store)->flush(); !flushed) errors[static_cast<std::size_t>(i)] = flushed.error();
      });
    }
    go = true;
    for (auto& t : running) t.join();
    for (int i = 0; i < threads; ++i) EXPECT_EQ(errors[static_cast<std::size_t>(i)], "") << "round " << round << ", thread " << i;
    auto store = ResponseStore::open(path);
    ASSERT_TRUE(store.has_value()) << store.error();
    for (int i = 0; i < threads; ++i) EXPECT_TRUE((*store)->find(key_of(i)).has_value()) << "round " << round << ", thread " << i;
  }
}

// A store another process keeps locked is busy, not broken: the error says so, and never advises
// removing the file (that would destroy the other run's answers).
TEST_F(StoreTest, AStoreLockedTooLongIsABusyErrorWithoutRemoveAdvice) {
  const auto path = (dir_ / "locked.sqlite3").string();
  const LockHolder holder(path, "BEGIN EXCLUSIVE");  // a new file, in rollback mode: the switch to WAL must wait
  const auto started = std::chrono::steady_clock::now();
  const auto store = ResponseStore::open(path, std::chrono::milliseconds(300));
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().find("is locked"), std::string::npos) << store.error();
  EXPECT_NE(store.error().find("another synthgen run"), std::string::npos) << store.error();
  EXPECT_EQ(store.error().find("remove it"), std::string::npos) << store.error();
  EXPECT_GE(waited, std::chrono::milliseconds(300)) << "it waited for the lock before giving up";
}

// An existing SQLite file whose table is not the store's: no answer is at stake in it, but it is
// not ours to remove either; the error names the file.
TEST_F(StoreTest, ADatabaseOfAnotherShapeIsNotUsable) {
  const auto path = (dir_ / "other.sqlite3").string();
  exec_sql(path, "CREATE TABLE answers (something_else TEXT);");
  const auto store = ResponseStore::open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().find(path), std::string::npos) << store.error();
  EXPECT_NE(store.error().find("choose another --cache"), std::string::npos) << store.error();
}

}  // namespace
}  // namespace synthgen
