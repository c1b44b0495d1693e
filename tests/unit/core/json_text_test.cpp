// The JSON string writer against nlohmann's dump(), which wrote every request body before it: the
// bodies hash to response-store keys, so the bytes must not change for any input, valid or not.
#include "synthgen/core/json_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <vector>

namespace synthgen {
namespace {

std::string reference(std::string_view text) { return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

std::string written(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

// Bytes where escaping or UTF-8 decoding changes: controls, quotes, every lead and continuation range.
const std::string edge_bytes = std::string("\x00\x08\x09\x0a\x0c\x0d\x1f \"\\a\x7f", 12) +
                               "\x80\x8f\x90\x9f\xa0\xbf\xc0\xc1\xc2\xdf\xe0\xe1\xec\xed\xee\xef\xf0\xf1\xf3\xf4\xf5\xff";

TEST(JsonText, NamedCases) {
  EXPECT_EQ(written(""), R"("")");
  EXPECT_EQ(written("plain ascii"), R"("plain ascii")");
  EXPECT_EQ(written("a\"b\\c\n\t\r\b\f"), R"("a\"b\\c\n\t\r\b\f")");
  EXPECT_EQ(written(std::string_view("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
  EXPECT_EQ(written("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  EXPECT_EQ(written("bad \xFF byte"), "\"bad \xEF\xBF\xBD byte\"");
  EXPECT_EQ(written("cut \xE2\x82"), "\"cut \xEF\xBF\xBD\"");
  EXPECT_EQ(written("\xE0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");                  // overlong: the second byte is read again
  EXPECT_EQ(written("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // a surrogate
  EXPECT_EQ(written("\xE1\x80\"x"), "\"\xEF\xBF\xBD\\\"x\"");
}

TEST(JsonText, EveryStringOfUpToFourEdgeBytesMatchesNlohmann) {
  std::vector<std::size_t> digits;
  for (std::size_t length = 0; length <= 4; ++length) {
    digits.assign(length, 0);
    while (true) {
      std::string text;
      for (const auto d : digits) text += edge_bytes[d];
      ASSERT_EQ(written(text), reference(text)) << testing::PrintToString(text);
      std::size_t position = 0;
      while (position < length && ++digits[position] == edge_bytes.size()) digits[position++] = 0;
      if (position == length) break;
    }
  }
}

// Eight bytes at a time are checked at once: every short edge string at every offset in plain text.
TEST(JsonText, EdgeBytesAtEveryOffsetOfAWordMatchNlohmann) {
  const std::string plain(20, 'p');
  std::vector<std::size_t> digits(3, 0);
  while (true) {
    std::string edge;
    for (const auto d : digits) edge += edge_bytes[d];
    for (std::size_t offset = 0; offset <= 10; ++offset) {
      const auto text = plain.substr(0, offset) + edge + plain.substr(offset);
      ASSERT_EQ(written(text), reference(text)) << testing::PrintToString(text);
    }
    std::size_t position = 0;
    while (position < digits.size() && ++digits[position] == edge_bytes.size()) digits[position++] = 0;
    if (position == digits.size()) break;
  }
}

TEST(JsonText, RandomLongStringsMatchNlohmann) {
  std::mt19937 random(20240321);
  const std::string valid_utf8[] = {"a", " ", "\n", "\"", "\\", "\x01", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xEF\xBF\xBF"};
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const auto length = random() % 600;
    for (std::size_t i = 0; i < length; ++i) {
      if (random() % 8 == 0) {
        text += static_cast<char>(random() % 256);
      } else {
        text += valid_utf8[random() % std::size(valid_utf8)];
      }
    }
    ASSERT_EQ(written(text), reference(text)) << testing::PrintToString(text);
  }
}

// The TGI body escapes the prompt between constant ASCII text: that must equal escaping the whole.
TEST(JsonText, EscapedBetweenAsciiEqualsTheWholeEscaped) {
  std::vector<std::size_t> digits(3, 0);
  do {
    std::string text;
    for (const auto d : digits) text += edge_bytes[d];
    std::string pieces = "\"<s> ";
    append_json_escaped(pieces, text);
    pieces += " </s>\"";
    ASSERT_EQ(pieces, reference("<s> " + text + " </s>")) << testing::PrintToString(text);
    std::size_t position = 0;
    while (position < digits.size() && ++digits[position] == edge_bytes.size()) digits[position++] = 0;
    if (position == digits.size()) break;
  } while (true);
}

TEST(JsonText, CapacityLeavesRoomForSomeEscapes) {
  EXPECT_GE(json_string_capacity(""), 2u);
  EXPECT_GE(json_string_capacity(std::string(800, 'x')), 900u);
}

}  // namespace
}  // namespace synthgen
