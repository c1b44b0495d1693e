// The checks made before any request: each output can be written, and no file has two roles.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "synthgen/io/files.hpp"

namespace synthgen {
namespace {

std::string parent_of(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// What tells the file a role names apart: its inode when it exists, else its absolute path with
// symlinks followed. nullopt for what holds nothing to lose (a terminal, /dev/null) or is closed.
std::optional<std::string> identity(const FileRole& role) {
  struct stat st {};
  const auto alias =
      role.path == standard_stream ? std::optional<int>(role.input ? STDIN_FILENO : STDOUT_FILENO) : descriptor_alias(role.path);
  const int rc = alias ? ::fstat(*alias, &st) : ::stat(role.path.c_str(), &st);
  if (rc == 0) {
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode)) return std::nullopt;
    return "inode " + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }
  if (alias) return std::nullopt;
  const std::filesystem::path target = follow_symlinks(role.path);
  std::error_code ec;
  auto dir = std::filesystem::weakly_canonical(std::filesystem::absolute(parent_of(target.string()), ec), ec);
  if (ec) dir = parent_of(target.string());
  return "path " + (dir / target.filename()).string();
}

std::string shown(const FileRole& role) {
  if (role.path == standard_stream) return role.input ? "standard input" : "standard output";
  return role.path;
}

}  // namespace

std::expected<void, std::string> check_writable(const std::string& path) {
  if (const auto fd = descriptor_alias(path)) {
    if (::fcntl(*fd, F_GETFL) < 0) return std::unexpected("the descriptor " + std::to_string(*fd) + " is not open");
    return {};
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return std::unexpected(path + " is a directory; give a file name");
    if (!S_ISREG(st.st_mode)) {  // a device or a FIFO, written through
      if (::access(path.c_str(), W_OK) != 0) return std::unexpected(std::string("it is not writable: ") + std::strerror(errno));
      return {};
    }
  }
  const auto dir = parent_of(follow_symlinks(path));
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return std::unexpected("the directory " + dir + " does not exist; create it first");
  if (::access(dir.c_str(), W_OK) != 0) return std::unexpected("the directory " + dir + " is not writable");
  return {};
}

std::optional<std::string> shared_file(std::span<const FileRole> roles) {
  std::vector<std::optional<std::string>> ids;
  for (const auto& role : roles) ids.push_back(role.path.empty() ? std::nullopt : identity(role));
  for (std::size_t i = 0; i < roles.size(); ++i) {
    for (std::size_t j = i + 1; j < roles.size(); ++j) {
      if (!ids[i] || ids[i] != ids[j]) continue;
      const auto& a = roles[i];
      const auto& b = roles[j];
      const auto both = a.path == b.path
                            ? std::string(a.flag) + " and " + std::string(b.flag) + " are both " + shown(a)
                            : std::string(a.flag) + " " + shown(a) + " and " + std::string(b.flag) + " " + shown(b) + " are the same file";
      return both + ": one file cannot take two roles (it would be overwritten); give each its own path";
    }
  }
  return std::nullopt;
}

}  // namespace synthgen
