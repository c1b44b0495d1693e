// The import: answers stored as a live run stores them, failures counted by kind and left for the
// next export, other runs' lines ignored, a second import a no-op, bad lines counted with their place.
#include "synthgen/app/batch_import.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "synthgen/core/batch_line.hpp"
#include "synthgen/io/batch_ledger.hpp"
#include "synthgen/io/response_store.hpp"
#include "test_support.hpp"

namespace synthgen {
namespace {

class BatchImportTest : public testing::TempDir {
 protected:
  void SetUp() override {
    TempDir::SetUp();
    path_ = (dir_ / "store.sqlite3").string();
    auto store = ResponseStore::open(path_);
    ASSERT_TRUE(store) << store.error();
    store_ = std::move(*store);
    auto ledger = BatchLedger::open(path_);
    ASSERT_TRUE(ledger) << ledger.error();
    ledger_ = std::move(*ledger);
  }

  StoreKey exported(int n) {
    const auto key = make_store_key(ApiKind::openai, "m", "{\"n\":" + std::to_string(n) + "}", 0);
    const std::vector<StoreKey> keys{key};
    EXPECT_TRUE(ledger_->record_exported(keys));
    return key;
  }

  ImportCounts import(const std::string& text) {
    std::istringstream in(text);
    return import_batch_results(in, "results.jsonl", *api_, *store_, *ledger_);
  }

  static std::string answer_line(const StoreKey& key, const std::string& content) {
    return R"({"id":"batch_req_1","custom_id":")" + batch_custom_id(0, 0, key) +
           R"(","response":{"status_code":200,"request_id":"r","body":{"object":"chat.completion","choices":[{"index":0,"message":)"
           R"({"role":"assistant","content":")" +
           content + R"("},"finish_reason":"stop"}],"usage":{"prompt_tokens":30,"completion_tokens":4,"total_tokens":34}}},"error":null})" +
           "\n";
  }

  std::string path_;
  std::unique_ptr<ResponseStore> store_;
  std::unique_ptr<BatchLedger> ledger_;
  std::unique_ptr<InferenceApi> api_ = make_openai_chat_api("http://127.0.0.1:9/v1");
};

TEST_F(BatchImportTest, StoresAnswersAsALiveRunWould) {
  const auto a = exported(1);
  const auto b = exported(2);
  const auto counts = import(answer_line(b, "positive") + "\n" + answer_line(a, "neutral"));
  EXPECT_EQ(counts.lines, 2U) << "a blank line is no line";
  EXPECT_EQ(counts.imported, 2U);
  EXPECT_EQ(counts.tokens.prompt, 60);
  EXPECT_EQ(counts.tokens.completion, 8);
  const auto stored = store_->find(a);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->text, "neutral");
  EXPECT_EQ(stored->usage.prompt, 30);
  EXPECT_TRUE(stored->no_text.empty());
}

TEST_F(BatchImportTest, ASecondImportChangesNothing) {
  const auto a = exported(1);
  ASSERT_EQ(import(answer_line(a, "neutral")).imported, 1U);
  const auto again = import(answer_line(a, "positive"));
  EXPECT_EQ(again.imported, 0U);
  EXPECT_EQ(again.already_stored, 1U);
  EXPECT_EQ(store_->find(a)->text, "neutral") << "the first answer stays";
}

TEST_F(BatchImportTest, AnAnswerWithoutTextIsStoredAsANoVote) {
  const auto a = exported(1);
  const auto line = R"({"custom_id":")" + batch_custom_id(0, 0, a) +
                    R"(","response":{"status_code":200,"body":{"choices":[{"index":0,"message":{"role":"assistant","content":null},)"
                    R"("finish_reason":"stop"}]}},"error":null})";
  EXPECT_EQ(import(line).imported, 1U);
  ASSERT_TRUE(store_->find(a));
  EXPECT_EQ(store_->find(a)->no_text, "no_text");
}

TEST_F(BatchImportTest, FailuresAreCountedByKindAndNotStored) {
  const auto a = exported(1);
  const auto b = exported(2);
  const auto c = exported(3);
  const auto text = R"({"custom_id":")" + batch_custom_id(0, 0, a) +
                    R"(","response":null,"error":{"code":"batch_expired","message":"not executed in time"}})" + "\n" + R"({"custom_id":")" +
                    batch_custom_id(0, 0, b) + R"(","response":{"status_code":400,"request_id":"r","body":null},"error":"bad request"})" +
                    "\n" + R"({"custom_id":")" + batch_custom_id(0, 0, c) + R"(","response":{"status_code":200,"body":{"choices":[]}}})";
  const auto counts = import(text);
  EXPECT_EQ(counts.imported, 0U);
  EXPECT_EQ(counts.failed_total(), 3U);
  EXPECT_EQ(counts.failed.at("batch_expired"), 1U);
  EXPECT_EQ(counts.failed.at("http_400"), 1U);
  EXPECT_EQ(counts.failed.at("bad_body"), 1U);
  for (const auto& key : {a, b, c}) EXPECT_FALSE(store_->find(key));
}

TEST_F(BatchImportTest, LinesOfOtherRunsAreUnknown) {
  const auto mine = exported(1);
  const auto theirs = make_store_key(ApiKind::openai, "m", "{\"other\":1}", 0);
  const auto counts = import(answer_line(theirs, "neutral") + answer_line(mine, "neutral") +
                             R"({"custom_id":"request-1","response":{"status_code":200,"body":{"choices":[]}}})");
  EXPECT_EQ(counts.unknown, 2U);
  EXPECT_EQ(counts.imported, 1U);
  EXPECT_FALSE(store_->find(theirs));
}

TEST_F(BatchImportTest, MalformedLinesAreCountedWithTheirPlaceAndTheRestImported) {
  const auto a = exported(1);
  const auto b = exported(2);
  const auto counts = import(answer_line(a, "neutral") + "{not json\n" + R"({"custom_id":"x"})" + "\n" + answer_line(b, "positive"));
  EXPECT_EQ(counts.malformed, 2U);
  EXPECT_TRUE(counts.first_malformed.starts_with("results.jsonl:2: ")) << counts.first_malformed;
  EXPECT_EQ(counts.imported, 2U);
}

TEST(ImportCountsFormat, SaysEachCountAndEachKind) {
  ImportCounts c;
  c.lines = 9;
  c.imported = 5;
  c.already_stored = 1;
  c.unknown = 1;
  c.failed["batch_expired"] = 2;
  const auto text = format_import_counts(c);
  EXPECT_NE(text.find("imported 5, already stored 1, failed 2, unknown 1 (of 9 lines)"), std::string::npos) << text;
  EXPECT_NE(text.find("batch_expired"), std::string::npos);
}

}  // namespace
}  // namespace synthgen
