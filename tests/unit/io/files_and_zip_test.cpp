// Atomic file replacement, the writability check, and zip members read from memory.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <filesystem>
#include <fstream>

#include "synthgen/io/dataset_source.hpp"
#include "synthgen/io/files.hpp"
#include "test_support.hpp"

namespace synthgen {
namespace {

using Files = testing::TempDir;

TEST_F(Files, AtomicWriteReplacesWholeAndLeavesNoTemporary) {
  const auto path = (dir_ / "out.csv").string();
  ASSERT_TRUE(write_file_atomically(path, "old\n").has_value());
  ASSERT_TRUE(write_file_atomically(path, "new\n").has_value());
  EXPECT_EQ(read_file(path).value(), "new\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), std::filesystem::directory_iterator{}), 1);
}

TEST_F(Files, FailedWriteLeavesTheOldFile) {
  const auto path = (dir_ / "sub").string();
  std::filesystem::create_directory(path);
  const auto result = write_file_atomically(path, "x");
  EXPECT_FALSE(result.has_value());
  EXPECT_TRUE(std::filesystem::is_directory(path));
}

TEST_F(Files, CheckWritable) {
  EXPECT_TRUE(check_writable((dir_ / "a.csv").string()).has_value());
  EXPECT_EQ(check_writable((dir_ / "missing" / "a.csv").string()).error(),
            "the directory " + (dir_ / "missing").string() + " does not exist; create it first");
  EXPECT_EQ(check_writable(dir_.string()).error(), dir_.string() + " is a directory; give a file name");
}

TEST_F(Files, AtomicFileInPiecesAndAbandoned) {
  const auto path = (dir_ / "big.jsonl").string();
  {
    auto file = AtomicFile::create(path);
    ASSERT_TRUE(file.has_value());
    for (int i = 0; i < 10000; ++i) file->append("line of some length to pass the buffer size\n");
    ASSERT_TRUE(file->commit().has_value());
  }
  EXPECT_EQ(read_file(path)->size(), 10000u * 44u);
  {
    auto abandoned = AtomicFile::create(path);
    ASSERT_TRUE(abandoned.has_value());
    abandoned->append("half");
  }
  EXPECT_EQ(read_file(path)->size(), 10000u * 44u) << "an uncommitted file leaves the old one";
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), std::filesystem::directory_iterator{}), 1) << "and no temporary";
}

TEST_F(Files, ReadMissingFile) { EXPECT_FALSE(read_file((dir_ / "none").string()).has_value()); }

std::string make_zip(const std::filesystem::path& path, const std::string& member, const std::string& content) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  EXPECT_NE(archive, nullptr);
  zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
  EXPECT_GE(zip_file_add(archive, member.c_str(), source, ZIP_FL_ENC_UTF_8), 0);
  EXPECT_EQ(zip_close(archive), 0);
  return read_file(path.string()).value();
}

using Zip = testing::TempDir;

TEST_F(Zip, ReadsAMemberFromMemory) {
  const auto bytes = make_zip(dir_ / "a.zip", "FinancialPhraseBank-v1.0/Sentences_AllAgree.txt", "a@positive\r\nb@neutral");
  const auto member = read_zip_member(bytes, "FinancialPhraseBank-v1.0/Sentences_AllAgree.txt");
  ASSERT_TRUE(member.has_value()) << member.error();
  EXPECT_EQ(*member, "a@positive\r\nb@neutral");
}

TEST_F(Zip, MissingMemberListsWhatIsThere) {
  const auto bytes = make_zip(dir_ / "a.zip", "other.txt", "x");
  const auto member = read_zip_member(bytes, "FinancialPhraseBank-v1.0/Sentences_AllAgree.txt");
  ASSERT_FALSE(member.has_value());
  EXPECT_EQ(member.error(), "the archive has no member FinancialPhraseBank-v1.0/Sentences_AllAgree.txt (members: other.txt)");
}

TEST(ZipBytes, NotAZip) {
  const auto member = read_zip_member("<html>not found</html>", "x");
  ASSERT_FALSE(member.has_value());
  EXPECT_TRUE(member.error().starts_with("the file is not a readable zip archive")) << member.error();
}

}  // namespace
}  // namespace synthgen
