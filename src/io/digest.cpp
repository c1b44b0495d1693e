// SHA-256 with OpenSSL: one EVP_Digest call per text (fingerprints are made once a run, not per
// request), and a streamed digest for files (Git LFS objects may be large).
#include "synthgen/io/digest.hpp"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "synthgen/core/store_key.hpp"

namespace synthgen {
namespace {

[[noreturn]] void no_sha256() {
  throw std::runtime_error("OpenSSL has no SHA-256 (check the OpenSSL installation and its default provider)");
}

struct DigestContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
struct FileClose {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

}  // namespace

std::string sha256_hex(std::string_view text) {
  StoreKey digest{};
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 || length != digest.size()) no_sha256();
  return key_hex(digest);
}

std::expected<FileDigest, std::string> file_sha256(const std::string& path) {
  const std::unique_ptr<std::FILE, FileClose> file(std::fopen(path.c_str(), "rb"));
  if (!file) return std::unexpected("cannot read " + path + ": " + std::strerror(errno));
  const std::unique_ptr<EVP_MD_CTX, DigestContextFree> context(EVP_MD_CTX_new());
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) no_sha256();
  FileDigest out;
  std::array<char, 1 << 16> buffer{};
  while (const auto got = std::fread(buffer.data(), 1, buffer.size(), file.get())) {
    if (EVP_DigestUpdate(context.get(), buffer.data(), got) != 1) no_sha256();
    out.size += got;
  }
  if (std::ferror(file.get())) return std::unexpected("cannot read " + path + ": a read failed");
  StoreKey digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1 || length != digest.size()) no_sha256();
  out.sha256 = key_hex(digest);
  return out;
}

}  // namespace synthgen
