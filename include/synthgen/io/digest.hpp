// SHA-256 of a text or a file, as 64 hex digits (OpenSSL): fingerprints of a run's settings and data,
// and the oid of a Git LFS object.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace synthgen {

std::string sha256_hex(std::string_view text);

// The file's SHA-256 and size, read in pieces (a file of any size costs a buffer); an error names the file.
struct FileDigest {
  std::string sha256;
  std::uint64_t size = 0;
};
std::expected<FileDigest, std::string> file_sha256(const std::string& path);

}  // namespace synthgen
