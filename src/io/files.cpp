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

std::expected<void, std::string> write_file_atomically(const std::string& path, const std::string& content) {
  auto temp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return std::unexpected("cannot create a file in " + parent_of(path) + ": " + errno_text());
  ::fchmod(fd, 0666 & ~process_umask());  // mkstemp makes 0600; a new output file gets the usual mode
  const bool written = write_all(fd, content) && ::fsync(fd) == 0;
  const auto write_error = errno_text();
  ::close(fd);
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    const auto error = written ? errno_text() : write_error;
    ::unlink(temp.c_str());
    return std::unexpected("cannot write " + path + ": " + error);
  }
  return {};
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
