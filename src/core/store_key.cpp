// The store key as hex text, for custom_ids and messages.
#include "synthgen/core/store_key.hpp"

namespace synthgen {
namespace {

constexpr std::string_view hex_digits = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string key_hex(const StoreKey& key) {
  std::string hex;
  hex.reserve(key.size() * 2);
  for (const auto byte : key) {
    hex += hex_digits[byte >> 4U];
    hex += hex_digits[byte & 15U];
  }
  return hex;
}

std::optional<StoreKey> key_from_hex(std::string_view hex) {
  StoreKey key{};
  if (hex.size() != key.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto high = hex_value(hex[2 * i]);
    const auto low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    key[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return key;
}

}  // namespace synthgen
