// Whole-file reads, and outputs replaced atomically (temporary file + fsync + rename) or written
// through (devices, FIFOs, standard output), committed alone or together.
#include "synthgen/io/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

namespace synthgen {
namespace {

// Pieces wait in memory up to this size; then they go to the file (or the spool).
constexpr std::size_t spill_size = std::size_t{1} << 16;

std::string parent_of(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

std::string errno_text(int error = errno) { return std::strerror(error); }

// umask can only be read by setting it; read it once, early, while the process has one thread.
mode_t process_umask() {
  static const mode_t mask = [] {
    const auto m = ::umask(022);
    ::umask(m);
    return m;
  }();
  return mask;
}

bool write_all(int fd, std::string_view content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<int> number_after(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix) || path.size() == prefix.size()) return std::nullopt;
  int fd = -1;
  const auto digits = path.substr(prefix.size());
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), fd);
  if (ec != std::errc{} || end != digits.data() + digits.size() || fd < 0) return std::nullopt;
  return fd;
}

// "<name>.tmp-" + pid + "-XXXXXX": the temporary files of one target, and whose each is.
std::string temp_prefix(const std::string& target) { return std::filesystem::path(target).filename().string() + ".tmp-"; }

std::optional<pid_t> temp_owner(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix)) return std::nullopt;
  const auto rest = name.substr(prefix.size());
  const auto dash = rest.find('-');
  if (dash == std::string_view::npos || dash == 0 || rest.size() - dash - 1 != 6) return std::nullopt;
  pid_t pid = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + dash, pid);
  if (ec != std::errc{} || end != rest.data() + dash || pid <= 0) return std::nullopt;
  return pid;
}

// The temporary files of `target` that a killed run left: their process is gone (kill(pid, 0)
// says ESRCH; EPERM means it is alive, only not ours).
void remove_stale_temporaries(const std::string& target) {
  const auto prefix = temp_prefix(target);
  std::error_code ec;
  for (std::filesystem::directory_iterator it(parent_of(target), ec), end; !ec && it != end; it.increment(ec)) {
    const auto owner = temp_owner(it->path().filename().string(), prefix);
    if (!owner || *owner == ::getpid() || ::kill(*owner, 0) == 0 || errno != ESRCH) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) ::unlink(it->path().c_str());
  }
}

// A replaced file keeps its mode (and, where allowed, its owner); a new one gets 0666 & ~umask.
void take_mode_of(int fd, const std::string& target) {
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    ::fchmod(fd, 0666 & ~process_umask());  // mkstemp makes 0600
    return;
  }
  if (st.st_uid != ::geteuid() || st.st_gid != ::getegid()) {
    [[maybe_unused]] const int owned = ::fchown(fd, st.st_uid, st.st_gid);  // root replacing a user's file
  }
  ::fchmod(fd, st.st_mode & 07777);
}

// An unlinked file in $TMPDIR (else /tmp) for the pieces of a written-through output.
int open_spool() {
  const char* tmpdir = std::getenv("TMPDIR");
  const std::string dir = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  if (const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600); fd >= 0) return fd;
  auto name = dir + "/synthgen-spool-XXXXXX";
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0) ::unlink(name.c_str());
  return fd;
}

// Makes a rename durable; a directory that cannot be synced (some file systems) is no failure.
void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

std::string output_name(const std::string& path) { return path == standard_stream ? std::string("standard output") : path; }

std::optional<int> descriptor_alias(const std::string& path) {
  if (path == standard_stream || path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stderr") return STDERR_FILENO;
  if (auto fd = number_after(path, "/dev/fd/")) return fd;
  return number_after(path, "/proc/self/fd/");
}

std::string follow_symlinks(const std::string& path) {
  std::string current = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(current.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return current;
    std::string link(PATH_MAX, '\0');
    const auto n = ::readlink(current.c_str(), link.data(), link.size());
    if (n < 0) return current;
    link.resize(static_cast<std::size_t>(n));
    if (link.starts_with('/')) {
      current = std::move(link);
    } else {
      current = parent_of(current);
      current += '/';
      current += link;
    }
  }
  return current;
}

bool is_written_through(const std::string& path) {
  if (descriptor_alias(path)) return true;
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

std::expected<std::string, std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return std::unexpected("it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(std::string("cannot open it: ") + errno_text());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return std::unexpected("cannot read it");
  return buffer.str();
}

std::expected<std::string, std::string> read_standard_input() {
  std::string text;
  std::vector<char> chunk(spill_size);
  for (;;) {
    const auto n = ::read(STDIN_FILENO, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected("cannot read standard input: " + errno_text());
    if (n == 0) return text;
    text.append(chunk.data(), static_cast<std::size_t>(n));
  }
}

std::expected<AtomicFile, std::string> AtomicFile::create(const std::string& path, FileAccess access) {
  if (const auto fd = descriptor_alias(path)) return AtomicFile(path, Through{*fd, false});
  if (is_written_through(path)) {
    // A FIFO's open waits for its reader, as any writer's does.
    const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return std::unexpected("cannot open it: " + errno_text());
    return AtomicFile(path, Through{fd, true});
  }
  auto target = follow_symlinks(path);
  remove_stale_temporaries(target);
  auto temp = target + ".tmp-" + std::to_string(::getpid()) + "-XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return std::unexpected("cannot create a file in " + parent_of(target) + ": " + errno_text());
  // mkstemp makes 0600, which an owner-only file keeps even over an older, wider one.
  if (access == FileAccess::usual) take_mode_of(fd, target);
  return AtomicFile(path, std::move(target), std::move(temp), fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      target_(std::move(other.target_)),
      temp_(std::exchange(other.temp_, {})),
      fd_(std::exchange(other.fd_, -1)),
      out_fd_(std::exchange(other.out_fd_, -1)),
      owns_out_(std::exchange(other.owns_out_, false)),
      through_(other.through_),
      prepared_(other.prepared_),
      buffer_(std::move(other.buffer_)),
      error_(std::move(other.error_)) {}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
  if (owns_out_ && out_fd_ >= 0) ::close(out_fd_);
}

// Moves the buffer to the temporary file, or to the spool (made on first use); false once failed.
bool AtomicFile::spill() {
  if (error_.empty() && fd_ < 0) {
    fd_ = open_spool();
    if (fd_ < 0) error_ = "cannot create a spool file in $TMPDIR or /tmp: " + errno_text();
  }
  if (error_.empty() && !write_all(fd_, buffer_)) error_ = errno_text();
  buffer_.clear();
  return error_.empty();
}

void AtomicFile::append(std::string_view piece) {
  buffer_ += piece;
  if (buffer_.size() >= spill_size) spill();
}

std::expected<void, std::string> AtomicFile::fail(const std::string& why) {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  if (!temp_.empty()) ::unlink(std::exchange(temp_, {}).c_str());
  if (owns_out_ && out_fd_ >= 0) ::close(out_fd_);
  out_fd_ = -1;
  return std::unexpected("cannot write " + output_name(path_) + ": " + why);
}

std::expected<void, std::string> AtomicFile::write_through() {
  if (fd_ >= 0) {  // spilled: the spool holds the start, the buffer the rest
    if (!spill()) return fail(error_);
    if (::lseek(fd_, 0, SEEK_SET) != 0) return fail(errno_text());
    std::vector<char> chunk(spill_size);
    for (;;) {
      const auto n = ::read(fd_, chunk.data(), chunk.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail("cannot read back the spool file: " + errno_text());
      if (n == 0) break;
      if (!write_all(out_fd_, std::string_view(chunk.data(), static_cast<std::size_t>(n)))) return fail(errno_text());
    }
  } else if (!error_.empty()) {
    return fail(error_);
  } else if (!write_all(out_fd_, buffer_)) {
    return fail(errno_text());
  }
  buffer_.clear();
  struct stat st {};
  // A regular file behind the descriptor (stdout redirected to a file) is flushed like any output.
  if (::fstat(out_fd_, &st) == 0 && S_ISREG(st.st_mode) && ::fsync(out_fd_) != 0) return fail(errno_text());
  if (owns_out_ && ::close(std::exchange(out_fd_, -1)) != 0) return fail(errno_text());
  out_fd_ = -1;
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  prepared_ = true;
  return {};
}

std::expected<void, std::string> AtomicFile::prepare() {
  if (prepared_) return {};
  if (through_) return write_through();
  if (!spill()) return fail(error_);
  if (::fsync(fd_) != 0) return fail(errno_text());
  if (::close(std::exchange(fd_, -1)) != 0) return fail(errno_text());
  prepared_ = true;
  return {};
}

std::expected<void, std::string> AtomicFile::publish() {
  if (auto ok = prepare(); !ok) return ok;
  if (through_ || temp_.empty()) return {};
  if (::rename(temp_.c_str(), target_.c_str()) != 0) return fail(errno_text());
  temp_.clear();
  sync_directory(parent_of(target_));
  return {};
}

std::expected<void, std::string> AtomicFile::commit() { return publish(); }

std::expected<void, std::string> commit_together(std::span<AtomicFile* const> files, WrittenFiles* written) {
  // Temporary files first: undoing them is free; a written-through output cannot be taken back.
  for (const bool through : {false, true}) {
    for (auto* file : files) {
      if (file->writes_through() != through) continue;
      if (auto ok = file->prepare(); !ok) return ok;
    }
  }
  // Renamed last to first: the first file (the run's main output) goes into place last, so a new
  // first file means every other is in place too, even when a SIGKILL lands among the renames.
  std::expected<void, std::string> result;
  std::vector<bool> published(files.size(), false);
  for (std::size_t i = files.size(); i-- > 0;) {
    auto ok = files[i]->publish();
    published[i] = ok.has_value();
    if (!ok && result) result = std::move(ok);
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (published[i] && written != nullptr && !files[i]->writes_through()) written->add(files[i]->path());
  }
  return result;
}

std::expected<void, std::string> write_file_atomically(const std::string& path, const std::string& content) {
  auto file = AtomicFile::create(path);
  if (!file) return std::unexpected(file.error());
  file->append(content);
  return file->commit();
}

}  // namespace synthgen
