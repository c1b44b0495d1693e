// Text helpers, .env parsing and prompt rendering.
#include "synthgen/core/text.hpp"

#include <gtest/gtest.h>

#include "synthgen/core/dotenv.hpp"
#include "synthgen/core/prompt.hpp"

namespace synthgen {
namespace {

TEST(Text, Latin1ToUtf8) { EXPECT_EQ(latin1_to_utf8("\xC5land \xE4"), "\xC3\x85land \xC3\xA4"); }

TEST(Text, SplitLinesHandlesCrlfAndNoFinalNewline) {
  const auto lines = split_lines("a\r\nb\nc");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[2], "c");
  EXPECT_EQ(split_lines("a\n").size(), 1u);
}

TEST(Text, SingleLineAndExcerpt) {
  EXPECT_EQ(single_line("two\r\nlines\there"), "two lines here");
  EXPECT_EQ(excerpt("abcdef", 3), "abc...");
  EXPECT_EQ(excerpt("\xC3\xA4\xC3\xA4", 3), "\xC3\xA4...") << "never ends inside a UTF-8 character";
}

TEST(Dotenv, ParsesAssignmentsQuotesCommentsAndExport) {
  const auto entries =
      parse_dotenv("# comment\nHF_TOKEN=hf_abc\nexport SYNTHGEN_VOTES = 5 # five\nQUOTED=\"a b\\n\"\nSINGLE='x # y'\nnot a line\n");
  const DotenvEntries expected{{"HF_TOKEN", "hf_abc"}, {"SYNTHGEN_VOTES", "5"}, {"QUOTED", "a b\n"}, {"SINGLE", "x # y"}};
  ASSERT_TRUE(entries.has_value()) << entries.error();
  EXPECT_EQ(*entries, expected);
}

TEST(Dotenv, ABomDoesNotHideTheFirstLine) {
  const auto entries = parse_dotenv("\xEF\xBB\xBFHF_TOKEN=hf_abc\r\nSYNTHGEN_VOTES=5\r\n");
  ASSERT_TRUE(entries.has_value()) << entries.error();
  const DotenvEntries expected{{"HF_TOKEN", "hf_abc"}, {"SYNTHGEN_VOTES", "5"}};
  EXPECT_EQ(*entries, expected);
}

TEST(Dotenv, BytesThatAreNotUtf8AreAnErrorNamingTheLine) {
  const auto entries = parse_dotenv("SYNTHGEN_VOTES=5\nSYNTHGEN_MODEL=caf\xE9\n");
  ASSERT_FALSE(entries.has_value());
  EXPECT_EQ(entries.error(), "line 2: byte 0xE9 at column 19 is not UTF-8; save the file as UTF-8");
  EXPECT_TRUE(parse_dotenv("SYNTHGEN_MODEL=caf\xC3\xA9\n").has_value()) << "UTF-8 is fine";
}

TEST(Utf8, WellFormedTextPasses) {
  EXPECT_EQ(invalid_utf8_at(""), std::nullopt);
  EXPECT_EQ(invalid_utf8_at("plain ascii\n"), std::nullopt);
  EXPECT_EQ(invalid_utf8_at("H\xC3\xA4meenlinna \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"), std::nullopt);
  EXPECT_EQ(invalid_utf8_at("\xED\x9F\xBF"), std::nullopt) << "U+D7FF, the last before the surrogates";
}

TEST(Utf8, EveryKindOfBadSequenceIsFoundWhereItStarts) {
  EXPECT_EQ(invalid_utf8_at("ab\xE9 cd"), 2u) << "a Latin-1 byte";
  EXPECT_EQ(invalid_utf8_at("a\x80"), 1u) << "a lone continuation byte";
  EXPECT_EQ(invalid_utf8_at("a\xC3"), 1u) << "cut short at the end";
  EXPECT_EQ(invalid_utf8_at("a\xE2\x82"), 1u) << "cut short at the end";
  EXPECT_EQ(invalid_utf8_at("\xE2\x82x"), 0u) << "a continuation replaced";
  EXPECT_EQ(invalid_utf8_at("\xC0\xAF"), 0u) << "overlong two bytes";
  EXPECT_EQ(invalid_utf8_at("\xC1\xBF"), 0u) << "overlong two bytes";
  EXPECT_EQ(invalid_utf8_at("\xE0\x80\xAF"), 0u) << "overlong three bytes";
  EXPECT_EQ(invalid_utf8_at("\xF0\x80\x80\xAF"), 0u) << "overlong four bytes";
  EXPECT_EQ(invalid_utf8_at("\xED\xA0\x80"), 0u) << "a surrogate";
  EXPECT_EQ(invalid_utf8_at("\xF4\x90\x80\x80"), 0u) << "past U+10FFFF";
  EXPECT_EQ(invalid_utf8_at("\xF5\x80\x80\x80"), 0u) << "no such lead byte";
  EXPECT_EQ(invalid_utf8_at("\xFF"), 0u);
}

TEST(Utf8, Utf8TextSkipsABomAndNamesLineAndColumn) {
  EXPECT_EQ(utf8_text("\xEF\xBB\xBFsentence,label\n").value(), "sentence,label\n");
  EXPECT_EQ(utf8_text("no bom").value(), "no bom");
  EXPECT_EQ(utf8_text("\xEF\xBB\xBF\xEF\xBB\xBFx").value(), "\xEF\xBB\xBFx") << "only one mark is the file's";
  EXPECT_EQ(utf8_text("\xEF\xBB\xBFok\r\nfine\r\nbad \x92 quote\n").error(),
            "line 3: byte 0x92 at column 5 is not UTF-8; save the file as UTF-8");
  EXPECT_EQ(utf8_text("\xE9").error(), "line 1: byte 0xE9 at column 1 is not UTF-8; save the file as UTF-8");
}

TEST(Prompt, BuiltinTemplatesHaveTheTargetOnItsOwnLine) {
  for (const auto* name : {"simple", "cot"}) {
    const auto prompt = PromptTemplate::builtin(name);
    ASSERT_TRUE(prompt.has_value()) << name;
    const auto text = prompt->render("Profit rose.\nA lot.");
    EXPECT_NE(text.find("\nTEXT: Profit rose. A lot.\n"), std::string::npos) << text;
  }
  EXPECT_NE(PromptTemplate::builtin("cot")->render("x").find("\"label\""), std::string::npos);
}

TEST(Prompt, UnknownBuiltinListsTheOthers) {
  const auto prompt = PromptTemplate::builtin("fancy");
  ASSERT_FALSE(prompt.has_value());
  EXPECT_EQ(prompt.error(), "there is no built-in prompt 'fancy' (built-in: simple, cot)");
}

TEST(Prompt, LabelsPlaceholder) {
  const auto prompt = PromptTemplate::from_text("Answer {labels}.\nTEXT: {text}");
  ASSERT_TRUE(prompt.has_value());
  EXPECT_EQ(prompt->with_labels({"sports", "politics", "tech"}).render("x"), "Answer sports, politics or tech.\nTEXT: x");
  EXPECT_EQ(prompt->with_labels({"yes", "no"}).render("x"), "Answer yes or no.\nTEXT: x");
}

TEST(Prompt, CustomTemplateNeedsThePlaceholder) {
  EXPECT_FALSE(PromptTemplate::from_text("no placeholder").has_value());
  const auto prompt = PromptTemplate::from_text("Label it.\nTEXT: {text}\nLabel:");
  ASSERT_TRUE(prompt.has_value());
  EXPECT_EQ(prompt->render("  Sales fell  "), "Label it.\nTEXT: Sales fell\nLabel:");
}

}  // namespace
}  // namespace synthgen
