// The URL options' checks, the /chat/completions base, and where a value from .env says it came from.
#include "synthgen/core/run_config.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace synthgen {
namespace {

using testing::env_of;

std::expected<RunConfig, std::string> config_with(FlagValues flags) {
  return make_run_config(merge_settings(option_table(), env_of({}), flags));
}

TEST(RunConfigUrls, QueriesFragmentsSpacesAndControlCharactersAreRefused) {
  const std::vector<std::pair<FlagValues, std::string>> cases{
      {{{"endpoint", "http://h/v1?key=1"}},
       "--endpoint must be a base URL without a query (?...) or fragment (#...), got 'http://h/v1?key=1'"},
      {{{"endpoint", "http://h/v1#top"}}, "--endpoint must be a base URL without a query (?...) or fragment (#...), got 'http://h/v1#top'"},
      {{{"endpoint", "http://h/my models/v1"}},
       "--endpoint must be a URL without spaces or control characters (write a space as %20), got 'http://h/my models/v1'"},
      {{{"endpoint", "http://h/v1\x01"}},
       "--endpoint must be a URL without spaces or control characters (write a space as %20), got 'http://h/v1\x01'"},
      {{{"datasets-server", "http://h?x"}},
       "--datasets-server must be a base URL without a query (?...) or fragment (#...), got 'http://h?x'"},
      {{{"hub-endpoint", "http://h/#"}}, "--hub-endpoint must be a base URL without a query (?...) or fragment (#...), got 'http://h/#'"},
      {{{"hub-endpoint", "http://h\tx"}},
       "--hub-endpoint must be a URL without spaces or control characters (write a space as %20), got 'http://h x'"},
  };
  for (const auto& [flags, message] : cases) {
    const auto c = config_with(flags);
    ASSERT_FALSE(c.has_value()) << message;
    EXPECT_EQ(c.error(), message);
  }
}

TEST(RunConfigUrls, SurroundingSpaceIsTrimmedNotRefused) {
  const auto c = config_with({{"endpoint", "  http://h:8000/v1/ \n"}});
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->endpoint, "http://h:8000/v1");
}

TEST(RunConfigUrls, AnErrorNeverShowsThePassword) {
  const auto c = config_with({{"endpoint", "http://user:s3cretpass@h/v1?x=1"}});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().find("s3cretpass"), std::string::npos) << c.error();
  EXPECT_NE(c.error().find("'http://***@h/v1?x=1'"), std::string::npos) << c.error();
  const auto no_host = config_with({{"hub-endpoint", "ftp://user:s3cretpass@h"}});
  ASSERT_FALSE(no_host.has_value());
  EXPECT_EQ(no_host.error(), "--hub-endpoint must be an http:// or https:// URL with a host, got 'ftp://***@h'");
}

TEST(RunConfigUrls, UserInfoOrAPortIsNoHost) {
  EXPECT_EQ(config_with({{"endpoint", "http://user:pw@/v1"}}).error(),
            "--endpoint must be an http:// or https:// URL with a host, got 'http://***@/v1'");
  EXPECT_EQ(config_with({{"endpoint", "http://:8080/v1"}}).error(),
            "--endpoint must be an http:// or https:// URL with a host, got 'http://:8080/v1'");
  EXPECT_TRUE(config_with({{"endpoint", "http://user:pw@h:8080/v1"}}).has_value());
  EXPECT_TRUE(config_with({{"endpoint", "http://[::1]:8080/v1"}}).has_value());
}

TEST(RunConfigUrls, AnOpenAiEndpointWithTheChatPathIsTakenAsItsBase) {
  const auto c = config_with({{"endpoint", "https://host/v1/chat/completions/"}});
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->endpoint, "https://host/v1");
  ASSERT_EQ(c->notes.size(), 1u);
  EXPECT_EQ(c->notes[0],
            "--endpoint https://host/v1/chat/completions already ends in /chat/completions; using https://host/v1 as the base URL");
  const auto plain = config_with({{"endpoint", "https://host/v1"}});
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->endpoint, "https://host/v1");
  EXPECT_TRUE(plain->notes.empty());
}

TEST(RunConfigUrls, TheChatPathNoteHidesThePasswordAndTgiKeepsItsUrl) {
  const auto c = config_with({{"endpoint", "http://u:pw1234@host/v1/chat/completions"}});
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->endpoint, "http://u:pw1234@host/v1") << "the request still carries the user-info";
  ASSERT_EQ(c->notes.size(), 1u);
  EXPECT_EQ(c->notes[0].find("pw1234"), std::string::npos) << c->notes[0];
  const auto tgi = config_with({{"api", "tgi"}, {"endpoint", "http://host/chat/completions"}});
  ASSERT_TRUE(tgi.has_value());
  EXPECT_EQ(tgi->endpoint, "http://host/chat/completions") << "--api tgi posts to the endpoint as given";
  EXPECT_TRUE(tgi->notes.empty());
}

TEST(RunConfigLabels, NumbersAreNamesOnlyWithLabels) {
  const auto given = config_with({{"labels", "1,2,3"}});
  ASSERT_TRUE(given.has_value());
  EXPECT_TRUE(given->columns.numbers_are_names);
  const auto absent = config_with({});
  ASSERT_TRUE(absent.has_value());
  EXPECT_FALSE(absent->columns.numbers_are_names);
}

TEST(DotenvOrigins, AValueFromDotenvNamesTheFile) {
  auto s = merge_settings(option_table(), env_of({{"SYNTHGEN_VOTES", "many"}, {"SYNTHGEN_SEED", "7"}}), {});
  note_dotenv_origins(s, {"SYNTHGEN_VOTES", "HF_TOKEN"}, ".env");
  EXPECT_EQ(s.at("votes").origin, ".env: SYNTHGEN_VOTES");
  EXPECT_EQ(s.at("votes").source, ValueSource::environment);
  EXPECT_EQ(s.at("seed").origin, "SYNTHGEN_SEED") << "set in the environment, not by .env";
  EXPECT_EQ(s.at("model").origin, "default");
  const auto c = make_run_config(s);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error(), "--votes (from .env: SYNTHGEN_VOTES) must be a whole number from 1 to 100, got 'many'");
}

TEST(DotenvOrigins, AFlagOverDotenvKeepsItsOwnOrigin) {
  auto s = merge_settings(option_table(), env_of({{"SYNTHGEN_VOTES", "5"}}), {{"votes", "2"}});
  note_dotenv_origins(s, {"SYNTHGEN_VOTES"}, ".env");
  EXPECT_EQ(s.at("votes").origin, "--votes");
}

}  // namespace
}  // namespace synthgen

namespace synthgen {
namespace {

TEST(RunConfigPool, EachEndpointWithItsOwnConcurrency) {
  const auto c = config_with({{"endpoint", "http://a/v1\nhttp://b/v1/chat/completions#c=8\n"}, {"concurrency", "16"}});
  ASSERT_TRUE(c.has_value()) << c.error();
  ASSERT_EQ(c->endpoints.size(), 2u);
  EXPECT_EQ(c->endpoints[0].url, "http://a/v1");
  EXPECT_EQ(c->endpoints[0].concurrency, 16);
  EXPECT_EQ(c->endpoints[1].url, "http://b/v1");
  EXPECT_EQ(c->endpoints[1].concurrency, 8);
  EXPECT_EQ(c->endpoint, "http://a/v1");  // the first: model list, batch commands
  EXPECT_EQ(in_flight_ceiling(*c), 24);
}

TEST(RunConfigPool, OneEndpointIsAPoolOfOne) {
  const auto c = config_with({});
  ASSERT_TRUE(c.has_value()) << c.error();
  ASSERT_EQ(c->endpoints.size(), 1u);
  EXPECT_EQ(c->endpoints[0].url, c->endpoint);
  EXPECT_EQ(in_flight_ceiling(*c), 64);
  EXPECT_EQ(in_flight_ceiling(*config_with({{"endpoint", "http://a/v1#c=3"}})), 3);
}

constexpr std::string_view endpoint_forms =
    "--endpoint must be URL or URL#SETTINGS, SETTINGS comma-separated and each at most once: c=N (N a whole number from 1 to 4096) "
    "and token_env=NAME (the environment variable holding its token: letters, digits and _, not starting with a digit), got '";

TEST(RunConfigPool, BadConcurrencyAndTwiceTheSameUrlAreNamed) {
  EXPECT_EQ(config_with({{"endpoint", "http://user:pw@a/v1#c=0"}}).error(), std::string(endpoint_forms) + "http://***@a/v1#c=0'");
  EXPECT_EQ(config_with({{"endpoint", "http://a/v1#c=x"}}).error(), std::string(endpoint_forms) + "http://a/v1#c=x'");
  EXPECT_EQ(config_with({{"endpoint", "http://a/v1\nhttp://a/v1/#c=4"}}).error(), "--endpoint names http://a/v1 twice");
  EXPECT_EQ(config_with({{"endpoint", "http://a/v1\nftp://b"}}).error(),
            "--endpoint must be an http:// or https:// URL with a host, got 'ftp://b'");
}

TEST(RunConfigPool, TheEnvironmentSeparatesWithSpaces) {
  const auto settings = merge_settings(option_table(), env_of({{"SYNTHGEN_ENDPOINT", " http://a/v1  http://b/v1#c=2 "}}), {});
  const auto c = make_run_config(settings);
  ASSERT_TRUE(c.has_value()) << c.error();
  ASSERT_EQ(c->endpoints.size(), 2u);
  EXPECT_EQ(c->endpoints[1].url, "http://b/v1");
  EXPECT_EQ(c->endpoints[1].concurrency, 2);
}

}  // namespace
}  // namespace synthgen

namespace synthgen {
namespace {

TEST(RunConfigTestSize, ShareRowsAndTheTestFileBesideOutput) {
  const auto off = config_with({});
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->test_size.on());
  EXPECT_TRUE(off->test_output.empty()) << "no test file without --test-size";
  const auto share = config_with({{"test-size", "0.2"}, {"output", "out/train.csv"}});
  ASSERT_TRUE(share) << share.error();
  EXPECT_DOUBLE_EQ(share->test_size.fraction, 0.2);
  EXPECT_EQ(share->test_output, "out/df_test.csv");
  EXPECT_EQ(config_with({{"test-size", "0.2"}})->test_output, "df_test.csv");
  EXPECT_EQ(config_with({{"test-size", "45"}, {"test-output", "t.csv"}})->test_output, "t.csv");
  const auto bad = config_with({{"test-size", "1.5"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().rfind("--test-size must be", 0), 0U) << bad.error();
}

}  // namespace
}  // namespace synthgen

namespace synthgen {
namespace {

TEST(EndpointSettings, ConcurrencyAndTokenVariableInEitherOrder) {
  const auto c = config_with({{"endpoint",
                               "http://a/v1#token_env=A_KEY\nhttp://b/v1#c=8,token_env=_b2\nhttp://c/v1#token_env=C,c=3\n"
                               "http://d/v1#c=5\nhttp://e/v1"},
                              {"concurrency", "16"}});
  ASSERT_TRUE(c.has_value()) << c.error();
  ASSERT_EQ(c->endpoints.size(), 5u);
  EXPECT_EQ(c->endpoints[0].url, "http://a/v1");
  EXPECT_EQ(c->endpoints[0].concurrency, 16);
  EXPECT_EQ(c->endpoints[0].token_env, "A_KEY");
  EXPECT_EQ(c->endpoints[1].url, "http://b/v1");
  EXPECT_EQ(c->endpoints[1].concurrency, 8);
  EXPECT_EQ(c->endpoints[1].token_env, "_b2");
  EXPECT_EQ(c->endpoints[2].concurrency, 3);
  EXPECT_EQ(c->endpoints[2].token_env, "C");
  EXPECT_EQ(c->endpoints[3].concurrency, 5);
  EXPECT_EQ(c->endpoints[3].token_env, "");
  EXPECT_EQ(c->endpoints[4].token_env, "");
  EXPECT_EQ(c->endpoint, "http://a/v1");
}

TEST(EndpointSettings, TheEnvironmentAndTheChatPathTakeThemToo) {
  const auto settings =
      merge_settings(option_table(), env_of({{"SYNTHGEN_ENDPOINT", "http://a/v1 http://b/v1/chat/completions#c=2,token_env=B_KEY"}}), {});
  const auto c = make_run_config(settings);
  ASSERT_TRUE(c.has_value()) << c.error();
  ASSERT_EQ(c->endpoints.size(), 2u);
  EXPECT_EQ(c->endpoints[1].url, "http://b/v1");
  EXPECT_EQ(c->endpoints[1].concurrency, 2);
  EXPECT_EQ(c->endpoints[1].token_env, "B_KEY");
}

TEST(EndpointSettings, EveryBadFormIsNamedWithTheAcceptedOnes) {
  const auto unknown = config_with({{"endpoint", "http://u:pw@a/v1#c=2,token=sk-abc,x"}});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error(), std::string(endpoint_forms) + "http://***@a/v1#c=2,token=***,x'")
      << "an unknown key's value is not shown: a token belongs in a variable, not in the URL";
  for (const std::string_view item : {
           "http://a/v1#c=2,c=3",                  // a key twice
           "http://a/v1#token_env=A,token_env=B",  // a key twice
           "http://a/v1#token_env=1KEY",           // a name that starts with a digit
           "http://a/v1#token_env=MY-KEY",         // a character no variable name has
           "http://a/v1#token_env=",               // no name
           "http://a/v1#c=0",                      // out of range
           "http://a/v1#c=4097",                   // out of range
           "http://a/v1#c=",                       // no number
           "http://a/v1#c=8,",                     // an empty setting
           "http://a/v1#,c=8",                     // an empty setting
           "http://a/v1#c=8,,token_env=A",         // an empty setting
           "http://a/v1#c8,token_env=A",           // no '='
       }) {
    const auto c = config_with({{"endpoint", std::string(item)}});
    ASSERT_FALSE(c.has_value()) << item;
    EXPECT_EQ(c.error(), std::string(endpoint_forms) + std::string(item) + "'") << item;
  }
}

TEST(EndpointSettings, AFragmentWithoutSettingsIsABadUrl) {
  EXPECT_EQ(config_with({{"endpoint", "http://a/v1#"}}).error(),
            "--endpoint must be a base URL without a query (?...) or fragment (#...), got 'http://a/v1#'");
}

TEST(EndpointSettings, TheConfigFileNamesItsOrigin) {
  FileValues file;
  file.values["endpoint"] = "http://a/v1#c=8,token_env=A\nhttp://b/v1#token_env=B,c=0";
  file.path = "synthgen.toml";
  const auto c = make_run_config(merge_settings(option_table(), file, env_of({}), {}));
  ASSERT_FALSE(c.has_value());
  EXPECT_TRUE(c.error().starts_with("--endpoint (from synthgen.toml) must be URL or URL#SETTINGS")) << c.error();
}

}  // namespace
}  // namespace synthgen
