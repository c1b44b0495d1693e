// The merge of defaults, environment and flags, and the typed checks on the result.
#include "synthgen/core/settings.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "synthgen/core/run_config.hpp"
#include "synthgen/core/wire_format.hpp"
#include "test_support.hpp"

namespace synthgen {
namespace {

using testing::env_of;

TEST(EnvName, UppercasesAndReplacesDashes) { EXPECT_EQ(env_name("n-sample"), "SYNTHGEN_N_SAMPLE"); }

TEST(MergeSettings, DefaultsWhenNothingIsSet) {
  const auto s = merge_settings(option_table(), env_of({}), {});
  EXPECT_EQ(s.at("votes").value, "3");
  EXPECT_EQ(s.at("votes").source, ValueSource::default_value);
  EXPECT_EQ(s.at("endpoint").value, "https://router.huggingface.co/v1");
}

TEST(MergeSettings, EnvironmentBeatsDefaultAndFlagBeatsEnvironment) {
  const auto s = merge_settings(option_table(), env_of({{"SYNTHGEN_N_SAMPLE", "50"}, {"SYNTHGEN_VOTES", "5"}}), {{"votes", "7"}});
  EXPECT_EQ(s.at("n-sample").value, "50");
  EXPECT_EQ(s.at("n-sample").origin, "SYNTHGEN_N_SAMPLE");
  EXPECT_EQ(s.at("votes").value, "7");
  EXPECT_EQ(s.at("votes").source, ValueSource::flag);
  EXPECT_EQ(s.at("votes").origin, "--votes");
}

TEST(MergeSettings, HfEndpointSetsTheHubUnlessSynthgenVariableOrFlagDoes) {
  EXPECT_EQ(merge_settings(option_table(), env_of({{"HF_ENDPOINT", "http://mirror"}}), {}).at("hub-endpoint").value, "http://mirror");
  EXPECT_EQ(merge_settings(option_table(), env_of({{"HF_ENDPOINT", "http://mirror"}, {"SYNTHGEN_HUB_ENDPOINT", "http://own"}}), {})
                .at("hub-endpoint")
                .value,
            "http://own");
  EXPECT_EQ(merge_settings(option_table(), env_of({{"HF_ENDPOINT", "http://mirror"}}), {{"hub-endpoint", "http://flag"}})
                .at("hub-endpoint")
                .value,
            "http://flag");
}

std::expected<RunConfig, std::string> config_with(FlagValues flags) {
  return make_run_config(merge_settings(option_table(), env_of({}), flags));
}

TEST(RunConfig, DefaultsAreTheNotebooksChoices) {
  const auto c = config_with({});
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->dataset, "takala/financial_phrasebank");
  EXPECT_EQ(c->subset, "sentences_allagree");
  EXPECT_EQ(c->votes, 3);
  EXPECT_EQ(c->concurrency, 64);
  EXPECT_EQ(c->seed, 42u);
  EXPECT_DOUBLE_EQ(c->generation.temperature, 0.8);
  EXPECT_DOUBLE_EQ(c->generation.top_p, 0.9);
  EXPECT_EQ(c->generation.max_tokens, 128);
  EXPECT_EQ(c->answer_format, AnswerFormat::json_object);
  EXPECT_EQ(c->parser, ParserKind::strict);
  EXPECT_EQ(c->api, ApiKind::openai);
  EXPECT_EQ(c->output, "df_train.csv");
  EXPECT_EQ(c->timeout_ms, 120000);
  EXPECT_EQ(c->progress, ProgressMode::automatic);
}

TEST(RunConfig, ParsesChoices) {
  const auto c = config_with({{"prompt", "simple"}, {"api", "TGI"}, {"parser", "legacy"}, {"endpoint", "http://x/v1/"}});
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->answer_format, AnswerFormat::label_word);
  EXPECT_EQ(c->api, ApiKind::tgi);
  EXPECT_EQ(c->parser, ParserKind::legacy);
  EXPECT_EQ(c->endpoint, "http://x/v1") << "a trailing slash is dropped";
  EXPECT_EQ(config_with({{"progress", "JSON"}})->progress, ProgressMode::json);
  EXPECT_EQ(config_with({{"progress", "off"}})->progress, ProgressMode::off);
  EXPECT_EQ(make_run_config(merge_settings(option_table(), env_of({{"SYNTHGEN_PROGRESS", "json"}}), {}))->progress, ProgressMode::json);
}

TEST(RunConfig, BadValuesNameTheOptionAndWhatItTakes) {
  const std::vector<std::pair<FlagValues, std::string>> cases{
      {{{"votes", "0"}}, "--votes must be a whole number from 1 to 100, got '0'"},
      {{{"n-sample", "ten"}}, "--n-sample must be a whole number from 0 to 100000000, got 'ten'"},
      {{{"n-sample", "-5"}}, "--n-sample must be a whole number from 0 to 100000000, got '-5'"},
      {{{"temperature", "3"}}, "--temperature must be a number from 0 to 2, got '3'"},
      {{{"top-p", "nan"}}, "--top-p must be a number from 0 to 1, got 'nan'"},
      {{{"prompt", "fancy"}}, "--prompt must be one of simple, cot, got 'fancy'"},
      {{{"api", "grpc"}}, "--api must be one of openai, tgi, got 'grpc'"},
      {{{"endpoint", "localhost:8000"}}, "--endpoint must be an http:// or https:// URL with a host, got 'localhost:8000'"},
      {{{"endpoint", "http://"}}, "--endpoint must be an http:// or https:// URL with a host, got 'http://'"},
      {{{"endpoint", "https:///v1"}}, "--endpoint must be an http:// or https:// URL with a host, got 'https:///v1'"},
      {{{"concurrency", "100000"}}, "--concurrency must be a whole number from 1 to 4096, got '100000'"},
      {{{"output", " "}}, "--output must not be empty"},
      {{{"quiet", "maybe"}}, "--quiet must be true or false, got 'maybe'"},
      {{{"progress", "bar"}}, "--progress must be one of auto, json, off, got 'bar'"},
  };
  for (const auto& [flags, message] : cases) {
    const auto c = config_with(flags);
    ASSERT_FALSE(c.has_value()) << message;
    EXPECT_EQ(c.error(), message);
  }
}

TEST(RunConfig, DashIsStandardInputWithAFormatAndStandardOutputForOneOutput) {
  const auto c = config_with({{"input", "-"}, {"input-format", "CSV"}, {"output", "-"}, {"details", "d.jsonl"}});
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->input_file, "-");
  EXPECT_EQ(c->input_format, InputFormat::csv);
  EXPECT_TRUE(writes_to_stdout(*c));
  EXPECT_EQ(config_with({{"input-format", "jsonl"}})->input_format, InputFormat::jsonl);
  EXPECT_EQ(config_with({})->input_format, InputFormat::by_extension);
  EXPECT_FALSE(writes_to_stdout(*config_with({})));
  EXPECT_TRUE(writes_to_stdout(*config_with({{"report", "/dev/stdout"}})));
}

TEST(RunConfig, StandardStreamsMisusedAreUsageErrors) {
  const std::vector<std::pair<FlagValues, std::string>> cases{
      {{{"output", "-"}, {"details", "-"}},
       "--output and --details both write to standard output: only one output may; give the other a file name"},
      {{{"metrics-json", "/dev/stdout"}, {"report", "-"}},
       "--metrics-json and --report both write to standard output: only one output may; give the other a file name"},
      {{{"cache", "-"}}, "--cache cannot be - : the response store is an SQLite file; give a file name, or --no-cache"},
      {{{"input", "-"}}, "--input - (standard input) has no extension: say --input-format jsonl or csv"},
      {{{"input-format", "xml"}}, "--input-format must be jsonl or csv, got 'xml'"},
  };
  for (const auto& [flags, message] : cases) {
    const auto c = config_with(flags);
    ASSERT_FALSE(c.has_value()) << message;
    EXPECT_EQ(c.error(), message);
  }
  EXPECT_TRUE(config_with({{"cache", "-"}, {"no-cache", "true"}}).has_value()) << "--no-cache: --cache is not used";
  const auto from_env = make_run_config(merge_settings(option_table(), env_of({{"SYNTHGEN_OUTPUT", "-"}}), {{"details", "-"}}));
  ASSERT_FALSE(from_env.has_value());
  EXPECT_TRUE(from_env.error().starts_with("--output (from SYNTHGEN_OUTPUT) and --details both")) << from_env.error();
}

TEST(RunConfig, ValueFromEnvironmentIsCheckedToo) {
  const auto c = make_run_config(merge_settings(option_table(), env_of({{"SYNTHGEN_VOTES", "many"}}), {}));
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error(), "--votes (from SYNTHGEN_VOTES) must be a whole number from 1 to 100, got 'many'");
}

}  // namespace
}  // namespace synthgen

namespace synthgen {
namespace {

TEST(OptionTable, EveryEntryHasANameAndHelpAndNamesAreUnique) {
  std::set<std::string_view> names;
  for (const auto& spec : option_table()) {
    EXPECT_FALSE(spec.name.empty());
    EXPECT_FALSE(spec.help.empty()) << spec.name;
    EXPECT_TRUE(names.insert(spec.name).second) << "duplicate " << spec.name;
  }
}

}  // namespace
}  // namespace synthgen

namespace synthgen {
namespace {

// A switch is a flag kind with a true/false default, and only a switch has one.
TEST(OptionTable, SwitchesAreFlagsAndEverySectionHasAnOption) {
  std::array<std::size_t, option_sections> per_section{};
  for (const auto& spec : option_table()) {
    const bool switch_default = spec.default_value == "true" || spec.default_value == "false";
    EXPECT_EQ(spec.kind == ValueKind::flag, switch_default) << spec.name;
    ++per_section.at(static_cast<std::size_t>(spec.section));
  }
  for (std::size_t s = 0; s < option_sections; ++s) EXPECT_GT(per_section[s], 0u) << section_title(static_cast<OptionSection>(s));
}

}  // namespace
}  // namespace synthgen

namespace synthgen {
namespace {

// The choices shell completion offers are the values the run takes: each is accepted, another is not.
TEST(OptionTable, ChoicesAreExactlyWhatTheRunAccepts) {
  std::size_t with_choices = 0;
  for (const auto& spec : option_table()) {
    const auto choices = option_choices(spec);
    if (choices.empty()) continue;
    ++with_choices;
    EXPECT_NE(spec.kind, ValueKind::flag) << spec.name;
    for (const auto choice : choices) {
      EXPECT_TRUE(make_run_config(merge_settings(option_table(), env_of({}), {{std::string(spec.name), std::string(choice)}})).has_value())
          << "--" << spec.name << " " << choice;
    }
    EXPECT_FALSE(make_run_config(merge_settings(option_table(), env_of({}), {{std::string(spec.name), "no-such-choice"}})).has_value())
        << "--" << spec.name << " takes only its choices";
  }
  EXPECT_EQ(with_choices, 6u) << "--input-format, --prompt, --api, --parser, --log-level, --progress";
}

TEST(OptionTable, ApiChoicesAreTheWireFormats) {
  const auto table = option_table();
  const auto api = std::ranges::find(table, std::string_view("api"), &OptionSpec::name);
  ASSERT_NE(api, table.end());
  std::vector<std::string_view> names;
  for (const auto& format : wire_formats()) names.push_back(format.name);
  EXPECT_EQ(option_choices(*api), names);
}

TEST(OptionTable, ChoicesSplitOnSpaces) {
  const OptionSpec spec{"x", OptionSection::input, ValueKind::text, "", "help", "", " a  b c "};
  EXPECT_EQ(option_choices(spec), (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_TRUE(option_choices(OptionSpec{"y", OptionSection::input, ValueKind::text, "", "help"}).empty());
}

}  // namespace
}  // namespace synthgen
