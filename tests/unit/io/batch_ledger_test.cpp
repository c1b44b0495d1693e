// The batch ledger: exported requests are known, a request in a batch not yet collected is held
// (never submitted twice), and what it records outlives the process.
#include "synthgen/io/batch_ledger.hpp"

#include <gtest/gtest.h>

#include "synthgen/io/response_store.hpp"
#include "test_support.hpp"

namespace synthgen {
namespace {

using BatchLedgerTest = testing::TempDir;

StoreKey key_of(int n) { return make_store_key(ApiKind::openai, "m", "{\"n\":" + std::to_string(n) + "}", 0); }

TEST_F(BatchLedgerTest, KnowsWhatItExported) {
  const auto path = (dir_ / "store.sqlite3").string();
  auto store = ResponseStore::open(path);
  ASSERT_TRUE(store) << store.error();
  auto ledger = BatchLedger::open(path);
  ASSERT_TRUE(ledger) << ledger.error();
  const std::vector<StoreKey> keys{key_of(1), key_of(2)};
  ASSERT_TRUE((*ledger)->record_exported(keys));
  EXPECT_TRUE((*ledger)->exported(key_of(1)));
  EXPECT_TRUE((*ledger)->exported(key_of(2)));
  EXPECT_FALSE((*ledger)->exported(key_of(3)));
  EXPECT_FALSE((*ledger)->held_by_open_batch(key_of(1))) << "a file export holds nothing";
  ASSERT_TRUE((*ledger)->record_exported(keys)) << "recording twice is no error";
  ledger->reset();
  auto again = BatchLedger::open(path);
  ASSERT_TRUE(again) << again.error();
  EXPECT_TRUE((*again)->exported(key_of(2))) << "kept in the file";
}

TEST_F(BatchLedgerTest, AnOpenBatchHoldsItsRequestsUntilCollected) {
  const auto path = (dir_ / "store.sqlite3").string();
  auto store = ResponseStore::open(path);
  ASSERT_TRUE(store);
  auto opened = BatchLedger::open(path);
  ASSERT_TRUE(opened);
  auto& ledger = **opened;
  ASSERT_TRUE(ledger.add_batch({"batch_1", "file-1", "part.jsonl", 2, "validating", false}));
  const std::vector<StoreKey> keys{key_of(1), key_of(2)};
  ASSERT_TRUE(ledger.record_exported(keys, "batch_1"));
  EXPECT_TRUE(ledger.held_by_open_batch(key_of(1)));
  EXPECT_FALSE(ledger.held_by_open_batch(key_of(3)));
  const std::vector<StoreKey> again{key_of(1)};
  ASSERT_TRUE(ledger.record_exported(again)) << "a later file export does not free it";
  EXPECT_TRUE(ledger.held_by_open_batch(key_of(1)));
  auto open = ledger.batches(true);
  ASSERT_TRUE(open);
  ASSERT_EQ(open->size(), 1U);
  EXPECT_EQ(open->front().id, "batch_1");
  EXPECT_EQ(open->front().requests, 2U);
  ASSERT_TRUE(ledger.update_batch("batch_1", "completed", true));
  EXPECT_FALSE(ledger.held_by_open_batch(key_of(1))) << "collected: what it lacks may be asked again";
  EXPECT_TRUE(ledger.batches(true)->empty());
  const auto all = ledger.batches(false);
  ASSERT_EQ(all->size(), 1U);
  EXPECT_EQ(all->front().status, "completed");
  EXPECT_TRUE(all->front().collected);
}

TEST_F(BatchLedgerTest, BatchesAreListedOldestFirst) {
  const auto path = (dir_ / "store.sqlite3").string();
  auto store = ResponseStore::open(path);
  auto ledger = BatchLedger::open(path);
  ASSERT_TRUE(ledger);
  for (const char* id : {"batch_b", "batch_a", "batch_c"}) ASSERT_TRUE((*ledger)->add_batch({id, "f", "p", 1, "validating", false}));
  const auto all = (*ledger)->batches(false);
  ASSERT_EQ(all->size(), 3U);
  EXPECT_EQ((*all)[0].id, "batch_b");
  EXPECT_EQ((*all)[2].id, "batch_c");
}

}  // namespace
}  // namespace synthgen
