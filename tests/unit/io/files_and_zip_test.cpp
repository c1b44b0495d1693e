// Atomic file replacement and writing through (devices, FIFOs, descriptors), outputs committed
// together, the writability and one-role-per-file checks, and zip members read from memory.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

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

std::vector<std::string> names_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

mode_t mode_of(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// A pid that was a process of ours and is no more (reaped), for stale temporary files.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

TEST_F(Files, ReplacedFileKeepsItsModeAndNewFileFollowsTheUmask) {
  const auto path = dir_ / "out.csv";
  ASSERT_TRUE(write_file_atomically(path.string(), "old\n").has_value());
  const auto old_umask = ::umask(022);
  ::umask(old_umask);
  EXPECT_EQ(mode_of(path), 0666 & ~old_umask);
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  ASSERT_TRUE(write_file_atomically(path.string(), "new\n").has_value());
  EXPECT_EQ(mode_of(path), 0640u);
  EXPECT_EQ(read_file(path.string()).value(), "new\n");
}

TEST_F(Files, SymlinkIsFollowedAndStaysALink) {
  std::filesystem::create_directory(dir_ / "real");
  ASSERT_TRUE(write_file_atomically((dir_ / "real" / "data.csv").string(), "old\n").has_value());
  std::filesystem::create_symlink("real/data.csv", dir_ / "link.csv");
  ASSERT_TRUE(write_file_atomically((dir_ / "link.csv").string(), "new\n").has_value());
  EXPECT_TRUE(std::filesystem::is_symlink(dir_ / "link.csv"));
  EXPECT_EQ(read_file((dir_ / "real" / "data.csv").string()).value(), "new\n");
  EXPECT_EQ(names_in(dir_ / "real"), std::vector<std::string>{"data.csv"}) << "the temporary file was beside the target";
  // A link to a file not there yet: the file is made where it points.
  std::filesystem::create_symlink("real/later.csv", dir_ / "dangling.csv");
  ASSERT_TRUE(write_file_atomically((dir_ / "dangling.csv").string(), "made\n").has_value());
  EXPECT_TRUE(std::filesystem::is_symlink(dir_ / "dangling.csv"));
  EXPECT_EQ(read_file((dir_ / "real" / "later.csv").string()).value(), "made\n");
  EXPECT_EQ(follow_symlinks((dir_ / "link.csv").string()), (dir_ / "real/data.csv").string());
}

TEST_F(Files, TemporaryNameCarriesThePid) {
  const auto path = dir_ / "out.csv";
  auto file = AtomicFile::create(path.string());
  ASSERT_TRUE(file.has_value()) << file.error();
  const auto names = names_in(dir_);
  ASSERT_EQ(names.size(), 1u);
  const auto prefix = "out.csv.tmp-" + std::to_string(::getpid()) + "-";
  EXPECT_TRUE(names[0].starts_with(prefix)) << names[0];
  EXPECT_EQ(names[0].size(), prefix.size() + 6) << names[0];
}

TEST_F(Files, StaleTemporaryOfADeadProcessIsRemovedOthersAreKept) {
  const auto dead = std::to_string(dead_pid());
  const std::vector<std::string> kept{"other.csv.tmp-" + dead + "-abcdef",  // another output's
                                      "out.csv.tmp-1-abcdef",               // pid 1 is alive
                                      "out.csv.tmp-" + dead + "-toolong",   // not a name of ours
                                      "out.csv.tmp-xyz-abcdef"};
  for (const auto& name : kept) std::ofstream(dir_ / name) << "x";
  std::ofstream(dir_ / ("out.csv.tmp-" + dead + "-abcdef")) << "left by a killed run";
  ASSERT_TRUE(write_file_atomically((dir_ / "out.csv").string(), "new\n").has_value());
  auto expected = kept;
  expected.push_back("out.csv");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names_in(dir_), expected);
}

// A copy of /dev/null (minor 3) or /dev/full (minor 7) in the test's directory: a bug that
// renamed over a device must not break the real one.
std::string memory_device(const std::filesystem::path& dir, const char* name, unsigned minor) {
  const auto path = dir / name;
  if (::mknod(path.c_str(), S_IFCHR | 0666, ::makedev(1, minor)) != 0) return {};
  return path.string();
}

#define MEMORY_DEVICE(var, name, minor)              \
  const auto var = memory_device(dir_, name, minor); \
  if (var.empty()) GTEST_SKIP() << "mknod needs root (CAP_MKNOD): " << strerror(errno)

bool is_char_device(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

TEST_F(Files, DeviceIsWrittenThroughNeverReplaced) {
  MEMORY_DEVICE(null, "null", 3);
  ASSERT_TRUE(is_written_through(null));
  ASSERT_TRUE(write_file_atomically(null, "discarded\n").has_value());
  EXPECT_TRUE(is_char_device(null)) << "still a device";
  EXPECT_EQ(names_in(dir_), std::vector<std::string>{"null"}) << "no temporary file beside it";
}

TEST_F(Files, FullDeviceFailsWithItsError) {
  MEMORY_DEVICE(full, "full", 7);
  const auto result = write_file_atomically(full, "x");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "cannot write " + full + ": No space left on device");
  EXPECT_TRUE(is_char_device(full));
}

// What a writer sends through the FIFO until it closes it; nullopt when none comes within 10 s (a
// regression that renamed over the FIFO must fail the test, not hang it).
std::optional<std::string> read_fifo(const std::filesystem::path& fifo) {
  const int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // at once; the writer's open then goes ahead
  if (fd < 0) return std::nullopt;
  std::string data;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10'000) <= 0) break;
    char chunk[4096];
    const auto n = ::read(fd, chunk, sizeof chunk);
    if (n > 0) {
      data.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0) {
      ::close(fd);
      return data;
    } else if (errno != EAGAIN && errno != EINTR) {
      break;
    }
  }
  ::close(fd);
  return std::nullopt;
}

TEST_F(Files, FifoIsWrittenThroughAtCommit) {
  const auto fifo = dir_ / "out.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto received = std::async(std::launch::async, [&] { return read_fifo(fifo); });
  std::string content;
  for (int i = 0; i < 5000; ++i) content += "row " + std::to_string(i) + " of a file bigger than the 64 KiB buffer\n";
  {
    auto file = AtomicFile::create(fifo.string());
    ASSERT_TRUE(file.has_value()) << file.error();
    EXPECT_TRUE(file->writes_through());
    file->append(content);
    ASSERT_TRUE(file->commit().has_value());
  }
  EXPECT_EQ(received.get(), content);
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO is still a FIFO";
  EXPECT_EQ(names_in(dir_), std::vector<std::string>{"out.fifo"});
}

TEST_F(Files, DescriptorIsWrittenOnlyAtCommitAndNothingWhenAbandoned) {
  const auto path = dir_ / "behind.txt";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  const auto alias = "/dev/fd/" + std::to_string(fd);
  std::string content(200'000, 'x');  // spooled past the buffer
  {
    auto abandoned = AtomicFile::create(alias);
    ASSERT_TRUE(abandoned.has_value()) << abandoned.error();
    abandoned->append(content);
  }
  EXPECT_EQ(std::filesystem::file_size(path), 0u) << "an uncommitted written-through output writes nothing";
  auto file = AtomicFile::create(alias);
  ASSERT_TRUE(file.has_value()) << file.error();
  file->append(content);
  file->append("end\n");
  EXPECT_EQ(std::filesystem::file_size(path), 0u) << "nothing is written through before the commit";
  ASSERT_TRUE(file->commit().has_value());
  EXPECT_EQ(read_file(path.string()).value(), content + "end\n");
  EXPECT_GE(::fcntl(fd, F_GETFD), 0) << "a descriptor of the process's own is not closed";
  ::close(fd);
}

TEST_F(Files, ReaderThatWentAwayIsAWriteError) {
  const auto old_action = std::signal(SIGPIPE, SIG_IGN);  // as synthgen_main sets it for a run
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  ::close(pipe_fds[0]);
  const auto alias = "/dev/fd/" + std::to_string(pipe_fds[1]);
  const auto result = write_file_atomically(alias, "text,labels\n");
  std::signal(SIGPIPE, old_action);
  ::close(pipe_fds[1]);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "cannot write " + alias + ": Broken pipe");
}

TEST_F(Files, CommitTogetherReplacesNothingWhenOneOutputFails) {
  const auto csv = dir_ / "df_train.csv";
  const auto details = dir_ / "details.jsonl";
  ASSERT_TRUE(write_file_atomically(csv.string(), "old csv\n").has_value());
  ASSERT_TRUE(write_file_atomically(details.string(), "old details\n").has_value());
  MEMORY_DEVICE(full_path, "full", 7);
  {
    auto a = AtomicFile::create(csv.string());
    auto b = AtomicFile::create(details.string());
    auto full = AtomicFile::create(full_path);
    ASSERT_TRUE(a && b && full);
    a->append("new csv\n");
    b->append("new details\n");
    full->append("{}\n");
    AtomicFile* const files[] = {&*a, &*full, &*b};
    WrittenFiles written;
    const auto result = commit_together(files, &written);
    ASSERT_FALSE(result.has_value());
    EXPECT_TRUE(written.empty()) << "a failed commit claims no file";
    EXPECT_EQ(result.error(), "cannot write " + full_path + ": No space left on device");
    EXPECT_EQ(read_file(csv.string()).value(), "old csv\n");
    EXPECT_EQ(read_file(details.string()).value(), "old details\n");
  }
  EXPECT_EQ(names_in(dir_), (std::vector<std::string>{"details.jsonl", "df_train.csv", "full"})) << "no temporary file is left";
}

TEST_F(Files, CommitTogetherReplacesEveryFile) {
  MEMORY_DEVICE(null_path, "null", 3);
  auto a = AtomicFile::create((dir_ / "a.csv").string());
  auto b = AtomicFile::create((dir_ / "b.json").string());
  auto null = AtomicFile::create(null_path);
  ASSERT_TRUE(a && b && null);
  a->append("a\n");
  b->append("b\n");
  null->append("nothing\n");
  AtomicFile* const files[] = {&*a, &*b, &*null};
  WrittenFiles written;
  ASSERT_TRUE(commit_together(files, &written).has_value());
  EXPECT_EQ(std::vector<std::string>(written.paths().begin(), written.paths().end()),
            (std::vector<std::string>{(dir_ / "a.csv").string(), (dir_ / "b.json").string()}))
      << "the files renamed into place, in order; the device written through is not one";
  EXPECT_EQ(read_file((dir_ / "a.csv").string()).value(), "a\n");
  EXPECT_EQ(read_file((dir_ / "b.json").string()).value(), "b\n");
  EXPECT_EQ(names_in(dir_), (std::vector<std::string>{"a.csv", "b.json", "null"}));
  EXPECT_TRUE(is_char_device(null_path));
}

TEST(WrittenThrough, DescriptorAliasesAndDevices) {
  EXPECT_EQ(descriptor_alias("-"), 1);
  EXPECT_EQ(descriptor_alias("/dev/stdout"), 1);
  EXPECT_EQ(descriptor_alias("/dev/stderr"), 2);
  EXPECT_EQ(descriptor_alias("/dev/fd/7"), 7);
  EXPECT_EQ(descriptor_alias("/proc/self/fd/3"), 3);
  EXPECT_EQ(descriptor_alias("/dev/fd/x"), std::nullopt);
  EXPECT_EQ(descriptor_alias("./-"), std::nullopt) << "a file named - is written as ./-";
  EXPECT_EQ(descriptor_alias("/dev/fd/"), std::nullopt);
  EXPECT_TRUE(is_written_through("-"));
  EXPECT_TRUE(is_written_through("/dev/null"));
  EXPECT_FALSE(is_written_through("/tmp"));
  EXPECT_FALSE(is_written_through("/nonexistent/out.csv"));
  EXPECT_EQ(output_name("-"), "standard output");
  EXPECT_EQ(output_name("a.csv"), "a.csv");
}

TEST(ReadStandardInput, ReadsToTheEnd) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const int saved = ::dup(STDIN_FILENO);
  ASSERT_EQ(::write(pipe_fds[1], "text,label\na,positive\n", 22), 22);
  ::close(pipe_fds[1]);
  ::dup2(pipe_fds[0], STDIN_FILENO);
  ::close(pipe_fds[0]);
  const auto text = read_standard_input();
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ASSERT_TRUE(text.has_value()) << text.error();
  EXPECT_EQ(*text, "text,label\na,positive\n");
}

TEST_F(Files, CheckWritableDevicesDescriptorsAndLinks) {
  EXPECT_TRUE(check_writable("-").has_value());
  EXPECT_TRUE(check_writable("/dev/null").has_value());
  std::filesystem::create_symlink("missing/x.csv", dir_ / "link.csv");
  EXPECT_EQ(check_writable((dir_ / "link.csv").string()).error(),
            "the directory " + (dir_ / "missing").string() + " does not exist; create it first")
      << "the directory that matters is the link target's";
  EXPECT_EQ(check_writable("/dev/fd/987").error(), "the descriptor 987 is not open");
}

TEST_F(Files, SharedFileFindsOneFileInTwoRoles) {
  const auto data = dir_ / "data.csv";
  std::ofstream(data) << "text,label\n";
  std::filesystem::create_symlink("data.csv", dir_ / "link.csv");
  std::filesystem::create_hard_link(data, dir_ / "hard.csv");
  std::filesystem::create_directory(dir_ / "sub");
  const auto d = dir_.string();
  const auto roles = [](std::string a, std::string b) {
    return std::vector<FileRole>{{"--input", std::move(a), true}, {"--output", std::move(b)}};
  };
  EXPECT_EQ(
      shared_file(roles(d + "/data.csv", d + "/data.csv")),
      "--input and --output are both " + d + "/data.csv: one file cannot take two roles (it would be overwritten); give each its own path");
  EXPECT_EQ(shared_file(roles(d + "/data.csv", d + "/link.csv")),
            "--input " + d + "/data.csv and --output " + d +
                "/link.csv are the same file: one file cannot take two roles (it would be overwritten); give each its own path");
  EXPECT_TRUE(shared_file(roles(d + "/hard.csv", d + "/data.csv"))) << "a hard link";
  EXPECT_TRUE(shared_file(roles(d + "/new.csv", d + "/sub/../new.csv"))) << "a new file, by its resolved directory";
  std::filesystem::create_symlink("sub", dir_ / "sublink");
  EXPECT_TRUE(shared_file(roles(d + "/sub/new.csv", d + "/sublink/new.csv"))) << "through a linked directory";
  EXPECT_FALSE(shared_file(roles(d + "/data.csv", d + "/out.csv")));
  EXPECT_FALSE(shared_file(roles("/dev/null", "/dev/null"))) << "a device holds nothing to lose";
  EXPECT_FALSE(shared_file(roles("", ""))) << "unused roles";
  const int fd = ::open(data.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(shared_file(roles(data.string(), "/dev/fd/" + std::to_string(fd)))) << "a descriptor open on the file";
  ::close(fd);
  const std::vector<FileRole> three{{"--output", d + "/a.csv"}, {"--details", d + "/b.jsonl"}, {"--cache", d + "/./b.jsonl"}};
  EXPECT_EQ(shared_file(three)->substr(0, 10), "--details ");
}

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
