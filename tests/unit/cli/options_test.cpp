// --help by section within 100 columns with every option, the did-you-mean error, and the man page
// (docs/synthgen.1 must be what `synthgen manpage` prints, so it lists every option of the table).
#include "synthgen/cli/options.hpp"

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <sstream>

#include "synthgen/cli/help_text.hpp"
#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

std::string help_text() {
  CommandLine command_line;
  return command_line.app().help();
}

TEST(Help, FitsIn100ColumnsAndListsEveryOptionWithItsMetavar) {
  const auto help = help_text();
  for (const auto line : split_lines(help)) EXPECT_LE(line.size(), 100u) << line;
  for (const auto& spec : option_table()) {
    const auto flag = "--" + std::string(spec.name);
    const auto shown = spec.kind == ValueKind::flag ? flag : flag + " " + std::string(metavar(spec.kind));
    EXPECT_NE(help.find(shown), std::string::npos) << shown;
  }
  EXPECT_NE(help.find("--config-file FILE"), std::string::npos);
  EXPECT_NE(help.find("--n-sample INT"), std::string::npos);
  EXPECT_NE(help.find("--endpoint URL"), std::string::npos);
  EXPECT_NE(help.find("--temperature FLOAT"), std::string::npos);
}

TEST(Help, ShowsTheSectionsInOrderTheExamplesAndEveryExitCode) {
  const auto help = help_text();
  std::size_t previous = 0;
  for (std::size_t s = 0; s < option_sections; ++s) {
    const auto title = "\n" + std::string(section_title(static_cast<OptionSection>(s))) + ":\n";
    const auto at = help.find(title);
    ASSERT_NE(at, std::string::npos) << title;
    EXPECT_GT(at, previous) << title;
    previous = at;
  }
  EXPECT_NE(help.find("Examples:"), std::string::npos);
  for (const auto code : {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "130"})
    EXPECT_NE(help.find(std::string(code).size() == 3 ? "  130  " : std::string("    ") + code + "  "), std::string::npos) << code;
  EXPECT_EQ(help.find("manpage"), std::string::npos) << "the man page's subcommand is hidden";
}

TEST(Help, ListsTheCompletionSubcommandAndParsesItsShell) {
  EXPECT_NE(help_text().find("\n  completion "), std::string::npos);
  CommandLine command_line;
  std::array<const char*, 3> argv{"synthgen", "completion", "zsh"};
  command_line.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  EXPECT_TRUE(command_line.wants_completion());
  EXPECT_EQ(command_line.completion_shell(), "zsh");
  EXPECT_FALSE(command_line.wants_merge());
}

TEST(Help, SuggestsTheClosestOptionForANearMiss) {
  CommandLine command_line;
  EXPECT_EQ(command_line.unknown_argument_message("--n-samples"), "unknown option --n-samples; did you mean --n-sample?");
  EXPECT_EQ(command_line.unknown_argument_message("--temprature=1"), "unknown option --temprature; did you mean --temperature?");
  EXPECT_EQ(command_line.unknown_argument_message("--no-early-stp"), "unknown option --no-early-stp; did you mean --no-early-stop?");
  EXPECT_EQ(command_line.unknown_argument_message("--zzzzzzzz"), "unknown option --zzzzzzzz");
  EXPECT_EQ(command_line.unknown_argument_message("stray"), "unexpected argument stray");
}

TEST(Help, WrapsAtSpaces) {
  EXPECT_EQ(wrap_text("aa bb cc dd", 5, 2), "aa bb\n  cc dd");
  EXPECT_EQ(wrap_text("averyverylongword x", 5, 0), "averyverylongword\nx");
}

TEST(ManPage, ListsEveryOptionTheEnvironmentAndEveryExitStatus) {
  const auto page = format_man_page();
  for (const auto& spec : option_table()) {
    std::string roff_name;
    for (const char c : spec.name) roff_name += c == '-' ? std::string("\\-") : std::string(1, c);
    EXPECT_NE(page.find("\\fB\\-\\-" + roff_name + "\\fR"), std::string::npos) << spec.name;
  }
  for (const auto* section : {".SH OPTIONS", ".SH ENVIRONMENT", ".SH EXIT STATUS", ".SH EXAMPLES", ".SS Batch engines", ".SS Shards"})
    EXPECT_NE(page.find(section), std::string::npos) << section;
  for (const auto* variable : {"HF_TOKEN", "HF_HOME", "HF_ENDPOINT", "HF_HUB_OFFLINE", "OPENAI_API_KEY", "SYNTHGEN_<OPTION>"})
    EXPECT_NE(page.find(variable), std::string::npos) << variable;
  for (const auto& status : exit_statuses()) EXPECT_NE(page.find(".TP\n\\fB" + std::string(status.name) + "\\fR\n"), std::string::npos);
}

TEST(ManPage, DocsCopyIsUpToDate) {
  std::ifstream file(std::string(SYNTHGEN_SOURCE_DIR) + "/docs/synthgen.1", std::ios::binary);
  ASSERT_TRUE(file) << "docs/synthgen.1 is missing: build/synthgen manpage > docs/synthgen.1";
  std::stringstream committed;
  committed << file.rdbuf();
  EXPECT_EQ(committed.str(), format_man_page()) << "docs/synthgen.1 is stale: build/synthgen manpage > docs/synthgen.1";
}

}  // namespace
}  // namespace synthgen
