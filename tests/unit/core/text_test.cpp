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
  const std::vector<std::pair<std::string, std::string>> expected{
      {"HF_TOKEN", "hf_abc"}, {"SYNTHGEN_VOTES", "5"}, {"QUOTED", "a b\n"}, {"SINGLE", "x # y"}};
  EXPECT_EQ(entries, expected);
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
