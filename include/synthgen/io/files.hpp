// Files on disk: whole reads, and writes that replace a file whole or not at all.
#pragma once

#include <expected>
#include <optional>
#include <string>

namespace synthgen {

std::expected<std::string, std::string> read_file(const std::string& path);

// Writes `content` to a temporary file beside `path`, flushes it and renames it over `path`, so
// a reader never sees half a file and a failure leaves the old one untouched.
std::expected<void, std::string> write_file_atomically(const std::string& path, const std::string& content);

// Fails when a file could not later be written at `path` (missing or read-only directory, or the
// path is a directory): checked before any request is paid for.
std::expected<void, std::string> check_writable(const std::string& path);

}  // namespace synthgen
