// The response store's key: a SHA-256 of everything that changes an answer (io/response_store
// makes it). A value of its own so that pure code (batch lines) can name and print it.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace synthgen {

using StoreKey = std::array<unsigned char, 32>;

// 64 lowercase hex digits.
std::string key_hex(const StoreKey& key);
// The key 64 hex digits (either case) spell, if they do.
std::optional<StoreKey> key_from_hex(std::string_view hex);

}  // namespace synthgen
