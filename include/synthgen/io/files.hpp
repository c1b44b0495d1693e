// Files on disk: whole reads, and writes that replace a file whole or not at all.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace synthgen {

std::expected<std::string, std::string> read_file(const std::string& path);

// Writes `content` to a temporary file beside `path`, flushes it and renames it over `path`, so
// a reader never sees half a file and a failure leaves the old one untouched.
std::expected<void, std::string> write_file_atomically(const std::string& path, const std::string& content);

// A file written piece by piece and replaced whole: the pieces go to a temporary file beside
// `path`, which commit() flushes and renames over it. Destroyed uncommitted, it leaves no trace.
class AtomicFile {
 public:
  static std::expected<AtomicFile, std::string> create(const std::string& path);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();
  void append(std::string_view piece);  // buffered; a failure is reported by commit()
  std::expected<void, std::string> commit();

 private:
  AtomicFile(std::string path, std::string temp, int fd) : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}
  bool flush_buffer();
  std::string path_;
  std::string temp_;
  int fd_ = -1;
  std::string buffer_;
  bool failed_ = false;
  int error_ = 0;
};

// Fails when a file could not later be written at `path` (missing or read-only directory, or the
// path is a directory): checked before any request is paid for.
std::expected<void, std::string> check_writable(const std::string& path);

}  // namespace synthgen
