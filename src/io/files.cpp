// Whole-file reads and atomic replacement (temporary file + fsync + rename).
#include "synthgen/io/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace synthgen {
namespace {

std::string parent_of(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

std::string errno_text() { return std::strerror(errno); }

// umask can only be read by setting it; read it once, early, while the process has one thread.
mode_t process_umask() {
  static const mode_t mask = [] {
    const auto m = ::umask(022);
    ::umask(m);
    return m;
  }();
  return mask;
}

bool write_all(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

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

std::expected<AtomicFile, std::string> AtomicFile::create(const std::string& path) {
  auto temp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return std::unexpected("cannot create a file in " + parent_of(path) + ": " + errno_text());
  ::fchmod(fd, 0666 & ~process_umask());  // mkstemp makes 0600; a new output file gets the usual mode
  return AtomicFile(path, std::move(temp), fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_(std::move(other.temp_)),
      fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      failed_(other.failed_),
      error_(other.error_) {}

AtomicFile::~AtomicFile() {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink(temp_.c_str());
}

bool AtomicFile::flush_buffer() {
  if (!failed_ && !write_all(fd_, buffer_)) {
    failed_ = true;
    error_ = errno;
  }
  buffer_.clear();
  return !failed_;
}

void AtomicFile::append(std::string_view piece) {
  buffer_ += piece;
  if (buffer_.size() >= (1u << 16)) flush_buffer();
}

std::expected<void, std::string> AtomicFile::commit() {
  const bool written = flush_buffer() && ::fsync(fd_) == 0;
  const int write_error = failed_ ? error_ : errno;
  ::close(std::exchange(fd_, -1));
  if (!written || ::rename(temp_.c_str(), path_.c_str()) != 0) {
    const auto error = std::strerror(written ? errno : write_error);
    ::unlink(temp_.c_str());
    return std::unexpected("cannot write " + path_ + ": " + error);
  }
  return {};
}

std::expected<void, std::string> write_file_atomically(const std::string& path, const std::string& content) {
  auto file = AtomicFile::create(path);
  if (!file) return std::unexpected(file.error());
  file->append(content);
  return file->commit();
}

std::expected<void, std::string> check_writable(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return std::unexpected(path + " is a directory; give a file name");
  const auto dir = parent_of(path);
  if (!std::filesystem::is_directory(dir, ec)) return std::unexpected("the directory " + dir + " does not exist; create it first");
  if (::access(dir.c_str(), W_OK) != 0) return std::unexpected("the directory " + dir + " is not writable");
  return {};
}

}  // namespace synthgen
