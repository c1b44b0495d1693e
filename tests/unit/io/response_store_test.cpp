// The response store: keys that tell votes and parameters apart, persistence, owner-only files.
#include "synthgen/io/response_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "test_support.hpp"

namespace synthgen {
namespace {

using StoreTest = testing::TempDir;

TEST(StoreKey, EveryPartOfTheRequestChangesTheKey) {
  const auto base = make_store_key(ApiKind::openai, "m", R"({"seed":1})", 0);
  EXPECT_EQ(base, make_store_key(ApiKind::openai, "m", R"({"seed":1})", 0));
  EXPECT_NE(base, make_store_key(ApiKind::openai, "m", R"({"seed":1})", 1)) << "two votes are never one entry";
  EXPECT_NE(base, make_store_key(ApiKind::tgi, "m", R"({"seed":1})", 0));
  EXPECT_NE(base, make_store_key(ApiKind::openai, "m2", R"({"seed":1})", 0));
  EXPECT_NE(base, make_store_key(ApiKind::openai, "m", R"({"seed":2})", 0));
}

TEST_F(StoreTest, AnswersSurviveReopeningAndFilesAreOwnerOnly) {
  const auto path = (dir_ / "cache" / "responses.sqlite3").string();
  const auto key = make_store_key(ApiKind::openai, "m", "body", 2);
  {
    auto store = ResponseStore::open(path);
    ASSERT_TRUE(store.has_value()) << store.error();
    EXPECT_FALSE((*store)->find(key).has_value());
    (*store)->add(key, InferenceAnswer{" Neutral", {46, 3}});
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

}  // namespace
}  // namespace synthgen
