// The download cache: owner-only files and directories (it may hold a private dataset's rows), and
// a round trip of what it keeps.
#include "synthgen/io/dataset_cache.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "test_support.hpp"

namespace synthgen {
namespace {

using DatasetCache = testing::TempDir;

unsigned mode_of(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

Dataset two_rows() { return Dataset{sentiment_labels(), {{0, "Up.", 2}, {5, "Flat.", std::nullopt}}, "the test rows", 9}; }

TEST_F(DatasetCache, FilesAndTheDirectoriesMadeForThemAreOwnerOnly) {
  const auto path = dir_ / "cache" / "datasets" / "org_ds" / "sub-train-sentence-label.jsonl";
  ASSERT_TRUE(save_dataset(path.string(), two_rows()).has_value());
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(dir_ / "cache" / "datasets" / "org_ds"), 0700u);
  EXPECT_EQ(mode_of(dir_ / "cache" / "datasets"), 0700u);
  EXPECT_EQ(mode_of(dir_ / "cache"), 0700u);
  ASSERT_TRUE(save_dataset(path.string(), two_rows()).has_value());
  EXPECT_EQ(mode_of(path), 0600u) << "a rewrite stays owner-only";
}

TEST_F(DatasetCache, AnExistingDirectoryIsLeftAsItIs) {
  std::filesystem::create_directories(dir_ / "shared");
  ::chmod((dir_ / "shared").c_str(), 0755);
  ASSERT_TRUE(save_dataset((dir_ / "shared" / "rows.jsonl").string(), two_rows()).has_value());
  EXPECT_EQ(mode_of(dir_ / "shared"), 0755u);
  EXPECT_EQ(mode_of(dir_ / "shared" / "rows.jsonl"), 0600u);
}

TEST_F(DatasetCache, OutputFilesKeepTheUsualMode) {
  const auto mask = ::umask(022);
  ::umask(mask);
  const auto path = dir_ / "df_train.csv";
  ASSERT_TRUE(write_file_atomically(path.string(), "text,labels\n").has_value());
  EXPECT_EQ(mode_of(path), 0666u & ~static_cast<unsigned>(mask));
}

TEST_F(DatasetCache, RowsComeBackAsTheyWent) {
  const auto path = (dir_ / "rows.jsonl").string();
  ASSERT_TRUE(save_dataset(path, two_rows()).has_value());
  const auto back = load_cached_dataset(path);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->total, 9u);
  ASSERT_EQ(back->rows.size(), 2u);
  EXPECT_EQ(back->rows[1].index, 5u);
  EXPECT_EQ(back->rows[1].gold, std::nullopt);
  EXPECT_EQ(back->rows[0].gold, 2);
}

}  // namespace
}  // namespace synthgen
