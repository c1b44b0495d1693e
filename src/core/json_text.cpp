// JSON string literals written straight into a buffer, matching nlohmann's dump() byte for byte, so
// bodies built here hash to the same response-store keys as the bodies nlohmann used to build.
#include "synthgen/core/json_text.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

namespace synthgen {
namespace {

enum class ByteClass : std::uint8_t { plain, escape, non_ascii };

constexpr std::array<ByteClass, 256> byte_classes = [] {
  std::array<ByteClass, 256> classes{};
  for (std::size_t b = 0; b < classes.size(); ++b) {
    if (b < 0x20 || b == '"' || b == '\\') classes[b] = ByteClass::escape;
    if (b >= 0x80) classes[b] = ByteClass::non_ascii;
  }
  return classes;
}();

std::uint8_t byte_at(std::string_view text, std::size_t i) { return static_cast<std::uint8_t>(text[i]); }

struct Utf8Sequence {
  std::size_t length;  // bytes it takes, valid or not
  bool valid;
};

// The sequence that starts at text[i] (a byte >= 0x80), by the well-formed ranges of Unicode's
// Table 3-7. An ill-formed one ends before the first byte that cannot continue it, which is then
// read again on its own: the same cut as nlohmann's decoder, so the same U+FFFD replacements.
Utf8Sequence utf8_sequence(std::string_view text, std::size_t i) {
  const auto lead = byte_at(text, i);
  std::size_t length = 0;
  std::uint8_t low = 0x80;
  std::uint8_t high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return {1, false};
  }
  for (std::size_t k = 1; k < length; ++k) {
    if (i + k == text.size()) return {k, false};
    const auto next = byte_at(text, i + k);
    if (next < low || next > high) return {k, false};
    low = 0x80;
    high = 0xBF;
  }
  return {length, true};
}

// How nlohmann writes each byte that must be escaped: a short escape where JSON has one, else \u00xx.
void append_escape(std::string& out, std::uint8_t byte) {
  switch (byte) {
    case '\b': out += "\\b"; return;
    case '\t': out += "\\t"; return;
    case '\n': out += "\\n"; return;
    case '\f': out += "\\f"; return;
    case '\r': out += "\\r"; return;
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    default: break;
  }
  constexpr std::string_view hex = "0123456789abcdef";
  const char escaped[] = {'\\', 'u', '0', '0', hex[byte >> 4], hex[byte & 0xF]};
  out.append(escaped, sizeof escaped);
}

// The 8 bytes at text[i] with bit 7 set in each one that needs a look: a control character, quote,
// backslash or byte >= 0x80. The "has a zero byte" bit trick: borrows only run upward, so bits above
// a flagged byte may be wrong, but the lowest set bit always marks the first byte that needs a look.
std::uint64_t bytes_to_look_at(std::string_view text, std::size_t i) {
  constexpr std::uint64_t ones = 0x0101010101010101u;
  std::uint64_t word = 0;
  std::memcpy(&word, text.data() + i, sizeof word);
  const auto zero_bytes = [](std::uint64_t x) { return (x - ones) & ~x; };
  const auto below_space = (word - ones * 0x20) & ~word;
  return (word | below_space | zero_bytes(word ^ (ones * '"')) | zero_bytes(word ^ (ones * '\\'))) & (ones * 0x80);
}

// The index, within its word, of the first byte flagged by bytes_to_look_at.
std::size_t first_flagged(std::uint64_t flags) {
  if constexpr (std::endian::native == std::endian::little) return static_cast<std::size_t>(std::countr_zero(flags)) / 8;
  return static_cast<std::size_t>(std::countl_zero(flags)) / 8;
}

// Deals with text[i], which is not plain ASCII: a valid UTF-8 sequence stays in the pending run,
// anything else flushes the run and writes its escape or U+FFFD. Returns where to go on.
std::size_t escape_at(std::string& out, std::string_view text, std::size_t i, std::size_t& copied) {
  const auto byte = byte_at(text, i);
  std::size_t length = 1;
  if (byte_classes[byte] == ByteClass::non_ascii) {
    const auto sequence = utf8_sequence(text, i);
    if (sequence.valid) return i + sequence.length;
    length = sequence.length;
  }
  out.append(text.data() + copied, i - copied);
  if (byte_classes[byte] == ByteClass::escape) {
    append_escape(out, byte);
  } else {
    out += "\xEF\xBF\xBD";
  }
  copied = i + length;
  return copied;
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) {
  std::size_t copied = 0;  // text[copied, i) needs no escaping and is not appended yet
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.size() - i >= 8) {
      const auto flags = bytes_to_look_at(text, i);
      if (flags == 0) {
        i += 8;
        continue;
      }
      i += first_flagged(flags);
    } else if (byte_classes[byte_at(text, i)] == ByteClass::plain) {
      ++i;
      continue;
    }
    i = escape_at(out, text, i, copied);
  }
  out.append(text.data() + copied, text.size() - copied);
}

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  append_json_escaped(out, text);
  out.push_back('"');
}

}  // namespace synthgen
