// The closing line that names the files a command wrote.
#include "synthgen/core/written_files.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

TEST(WrittenFiles, KeepsCommitOrderAndEachPathOnce) {
  WrittenFiles written;
  EXPECT_TRUE(written.empty());
  written.add("df_train.csv");
  written.add("df_test.csv");
  written.add("df_train.csv");
  ASSERT_EQ(written.paths().size(), 2u);
  EXPECT_EQ(written.paths()[0], "df_train.csv");
  EXPECT_EQ(written.paths()[1], "df_test.csv");
}

TEST(WrittenFiles, LineNamesEveryFileInOrder) {
  const std::vector<std::string> paths{"df_train.csv", "df_test.csv", "metrics.json", "out/report.html"};
  EXPECT_EQ(written_files_line(paths), "wrote df_train.csv, df_test.csv, metrics.json, out/report.html");
  EXPECT_EQ(written_files_line(std::vector<std::string>{"a.csv"}), "wrote a.csv");
}

TEST(WrittenFiles, NoFileNoLine) { EXPECT_EQ(written_files_line({}), ""); }

TEST(WrittenFiles, QuotesPathsThatWouldReadAsTwo) {
  const std::vector<std::string> paths{"my file.csv", "a,b.json", "say \"hi\".txt", "back\\slash", "tab\there", "plain.csv"};
  EXPECT_EQ(written_files_line(paths),
            "wrote \"my file.csv\", \"a,b.json\", \"say \\\"hi\\\".txt\", \"back\\\\slash\", \"tab\\x09here\", plain.csv");
}

TEST(WrittenFiles, LineIsOneLineWhateverThePaths) {
  const std::vector<std::string> paths{"new\nline.csv", "cr\r.csv"};
  const auto line = written_files_line(paths);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_EQ(line, "wrote \"new\\x0aline.csv\", \"cr\\x0d.csv\"");
}

}  // namespace
}  // namespace synthgen
