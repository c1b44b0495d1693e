// The TOML config file: reading, errors that name the file and key, precedence, and the example.
#include "synthgen/io/config_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "synthgen/core/run_config.hpp"
#include "synthgen/core/settings_report.hpp"
#include "synthgen/io/files.hpp"
#include "test_support.hpp"

namespace synthgen {
namespace {

using testing::env_of;

class ConfigFile : public testing::TempDir {
 protected:
  std::string write(const std::string& text) {
    const auto path = (dir_ / "synthgen.toml").string();
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(ConfigFile, ReadsScalarsUnderEitherKeySpelling) {
  const auto file = read_config_file(write("votes = 5\nn_sample = 10\ntemperature = 0.5\nno-cache = true\nmodel = \"m\"\n"));
  ASSERT_TRUE(file.has_value()) << file.error();
  EXPECT_EQ(file->values.at("votes"), "5");
  EXPECT_EQ(file->values.at("n-sample"), "10");
  EXPECT_EQ(file->values.at("temperature"), "0.5");
  EXPECT_EQ(file->values.at("no-cache"), "true");
  EXPECT_EQ(file->values.at("model"), "m");
}

TEST_F(ConfigFile, AnEndpointsSettingsTakeItsTokenVariable) {
  const auto file = read_config_file(write("endpoints = [\"http://a/v1\", \"http://b/v1#c=8,token_env=B_KEY\"]\n"));
  ASSERT_TRUE(file.has_value()) << file.error();
  const auto config = make_run_config(merge_settings(option_table(), *file, env_of({}), {}));
  ASSERT_TRUE(config.has_value()) << config.error();
  ASSERT_EQ(config->endpoints.size(), 2u);
  EXPECT_EQ(config->endpoints[1].concurrency, 8);
  EXPECT_EQ(config->endpoints[1].token_env, "B_KEY");
}

TEST_F(ConfigFile, EndpointsAreAListOrOneUrl) {
  const auto file = read_config_file(write("endpoints = [\"http://a/v1\", \"http://b/v1#c=8\"]\n"));
  ASSERT_TRUE(file.has_value()) << file.error();
  EXPECT_EQ(file->values.at("endpoint"), "http://a/v1\nhttp://b/v1#c=8");
  const auto config = make_run_config(merge_settings(option_table(), *file, env_of({}), {}));
  ASSERT_TRUE(config.has_value()) << config.error();
  EXPECT_EQ(config->endpoints.size(), 2u);
  EXPECT_EQ(read_config_file(write("endpoint = \"http://a/v1\"\n"))->values.at("endpoint"), "http://a/v1");
  const auto twice = read_config_file(write("endpoint = \"http://a/v1\"\nendpoints = [\"http://b/v1\"]\n"));
  ASSERT_FALSE(twice.has_value());
  EXPECT_NE(twice.error().find("give the endpoints once"), std::string::npos) << twice.error();
  const auto numbers = read_config_file(write("endpoints = [1, 2]\n"));
  ASSERT_FALSE(numbers.has_value());
  EXPECT_NE(numbers.error().find("or a list of URL strings"), std::string::npos) << numbers.error();
}

TEST_F(ConfigFile, FloatsKeepEveryDigit) {
  const auto file = read_config_file(write("min-accuracy = 0.89999999\ntemperature = 0.7123456789\ntop-p = 7e-1\nmax-cost = 1e12\n"));
  ASSERT_TRUE(file.has_value()) << file.error();
  EXPECT_EQ(file->values.at("min-accuracy"), "0.89999999");
  EXPECT_EQ(file->values.at("temperature"), "0.7123456789");
  EXPECT_EQ(file->values.at("top-p"), "0.7");
  EXPECT_EQ(file->values.at("max-cost"), "1e+12");
}

TEST_F(ConfigFile, AFloatInTheFileEqualsTheSameFlag) {
  const auto file = read_config_file(write("temperature = 0.7123456789\nmin-accuracy = 0.90000001\n"));
  ASSERT_TRUE(file.has_value()) << file.error();
  const auto from_file = make_run_config(merge_settings(option_table(), *file, env_of({}), {}));
  const auto from_flags =
      make_run_config(merge_settings(option_table(), env_of({}), {{"temperature", "0.7123456789"}, {"min-accuracy", "0.90000001"}}));
  ASSERT_TRUE(from_file.has_value()) << from_file.error();
  ASSERT_TRUE(from_flags.has_value()) << from_flags.error();
  EXPECT_EQ(from_file->generation.temperature, from_flags->generation.temperature);
  EXPECT_EQ(from_file->generation.temperature, 0.7123456789);
  EXPECT_EQ(from_file->min_accuracy, 0.90000001);
  EXPECT_GT(from_file->min_accuracy, 0.9) << "0.9 of 10 rows right must fall short of this floor";
}

TEST_F(ConfigFile, UnknownKeysTablesAndSyntaxErrorsAreNamed) {
  const auto path = write("votez = 5\n");
  EXPECT_EQ(read_config_file(path).error(),
            "config file " + path + ": unknown key 'votez'; the keys are the long option names, see synthgen --help");
  EXPECT_EQ(read_config_file(write("votes = [1, 2]\n")).error(),
            "config file " + path + ": 'votes' must be a string, a number or true/false");
  const auto broken = read_config_file(write("votes = \n"));
  ASSERT_FALSE(broken.has_value());
  EXPECT_TRUE(broken.error().starts_with("config file " + path + ":1:")) << broken.error();
  EXPECT_FALSE(read_config_file(write("token = \"hf_x\"\n")).has_value()) << "the token is never read from a config file";
}

TEST_F(ConfigFile, PrecedenceDefaultFileEnvironmentFlag) {
  const auto file = read_config_file(write("votes = 5\nn-sample = 10\nseed = 1\n"));
  ASSERT_TRUE(file.has_value());
  const auto s = merge_settings(option_table(), *file, env_of({{"SYNTHGEN_N_SAMPLE", "20"}, {"SYNTHGEN_SEED", "2"}}), {{"seed", "3"}});
  EXPECT_EQ(s.at("votes").value, "5");
  EXPECT_EQ(s.at("votes").source, ValueSource::file);
  EXPECT_EQ(s.at("n-sample").value, "20");
  EXPECT_EQ(s.at("seed").value, "3");
  EXPECT_EQ(s.at("concurrency").source, ValueSource::default_value);
}

TEST_F(ConfigFile, ATypeErrorNamesTheFile) {
  const auto path = write("votes = \"three\"\n");
  const auto file = read_config_file(path);
  ASSERT_TRUE(file.has_value());
  const auto config = make_run_config(merge_settings(option_table(), *file, env_of({}), {}));
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error(), "--votes (from " + path + ") must be a whole number from 1 to 100, got 'three'");
}

TEST_F(ConfigFile, FoundInTheWorkingDirectoryOrXdgConfigHome) {
  EXPECT_EQ(find_config_file(std::string("given.toml"), env_of({})), "given.toml");
  const auto xdg = dir_ / "xdg";
  std::filesystem::create_directories(xdg / "synthgen");
  std::ofstream(xdg / "synthgen" / "config.toml") << "votes = 1\n";
  EXPECT_EQ(find_config_file(std::nullopt, env_of({{"XDG_CONFIG_HOME", xdg.string()}})), (xdg / "synthgen" / "config.toml").string());
  EXPECT_EQ(find_config_file(std::nullopt, env_of({{"HOME", "/nonexistent"}})), std::nullopt);
}

TEST(ConfigExample, DocumentsEveryOptionAndParses) {
  const auto path = std::string(SYNTHGEN_SOURCE_DIR) + "/config/synthgen.toml";
  const auto text = read_file(path);
  ASSERT_TRUE(text.has_value()) << path;
  EXPECT_EQ(*text, format_config_example()) << "config/synthgen.toml is stale: ./build/synthgen config example > config/synthgen.toml";
  for (const auto& spec : option_table()) {
    EXPECT_NE(text->find(std::string(spec.name) + " = "), std::string::npos) << "config/synthgen.toml does not document " << spec.name;
  }
  const auto file = read_config_file(path);
  ASSERT_TRUE(file.has_value()) << file.error();
  EXPECT_TRUE(make_run_config(merge_settings(option_table(), *file, env_of({}), {})).has_value());
}

}  // namespace
}  // namespace synthgen
