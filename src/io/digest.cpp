// One EVP_Digest call per text: fingerprints are made once a run, not per request.
#include "synthgen/io/digest.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "synthgen/core/store_key.hpp"

namespace synthgen {

std::string sha256_hex(std::string_view text) {
  StoreKey digest{};
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 || length != digest.size())
    throw std::runtime_error("OpenSSL has no SHA-256 (check the OpenSSL installation and its default provider)");
  return key_hex(digest);
}

}  // namespace synthgen
