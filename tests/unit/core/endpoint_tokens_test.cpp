// Each endpoint's token: its token_env's variable, OpenAI's key for OpenAI's endpoint, else the HF token.
#include "synthgen/core/endpoint_tokens.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace synthgen {
namespace {

using testing::env_of;

const Token hf{"hf_hub_token_0123456789abcdefgh", "HF_TOKEN"};

std::string value_of(const std::optional<Token>& token) { return token ? token->value : "(none)"; }
std::string origin_of(const std::optional<Token>& token) { return token ? token->origin : "(none)"; }

TEST(EndpointTokens, OneEndpointTakesTheHfTokenAsBefore) {
  const auto tokens = resolve_run_tokens({{"https://router.huggingface.co/v1", 64, ""}}, hf, env_of({}));
  ASSERT_TRUE(tokens.has_value()) << tokens.error();
  ASSERT_EQ(tokens->endpoints.size(), 1u);
  EXPECT_EQ(value_of(tokens->first()), hf.value);
  EXPECT_EQ(value_of(tokens->hub), hf.value);
  EXPECT_EQ(tokens->secrets(), std::vector<std::string>{hf.value});
}

TEST(EndpointTokens, NoTokenAnywhereIsNoToken) {
  const auto tokens = resolve_run_tokens({{"http://a/v1", 64, ""}}, std::nullopt, env_of({}));
  ASSERT_TRUE(tokens.has_value());
  EXPECT_FALSE(tokens->first().has_value());
  EXPECT_TRUE(tokens->secrets().empty());
}

TEST(EndpointTokens, EachEndpointDecidesForItself) {
  const auto env = env_of({{"OPENAI_API_KEY", "sk-openai"}, {"TOGETHER_API_KEY", " together-key\n"}, {"OTHER", "other-key"}});
  const auto tokens = resolve_run_tokens({{"https://router.huggingface.co/v1", 8, ""},
                                          {"https://api.openai.com/v1", 8, ""},
                                          {"https://api.together.xyz/v1", 8, "TOGETHER_API_KEY"},
                                          {"https://api.openai.com/v1/other", 8, "OTHER"}},
                                         hf, env);
  ASSERT_TRUE(tokens.has_value()) << tokens.error();
  ASSERT_EQ(tokens->endpoints.size(), 4u);
  EXPECT_EQ(value_of(tokens->endpoints[0]), hf.value);
  EXPECT_EQ(value_of(tokens->endpoints[1]), "sk-openai");
  EXPECT_EQ(origin_of(tokens->endpoints[1]), "OPENAI_API_KEY");
  EXPECT_EQ(value_of(tokens->endpoints[2]), "together-key");  // trimmed, as the HF token is
  EXPECT_EQ(origin_of(tokens->endpoints[2]), "TOGETHER_API_KEY");
  EXPECT_EQ(value_of(tokens->endpoints[3]), "other-key") << "token_env wins over the OpenAI rule";
  EXPECT_EQ(value_of(tokens->hub), hf.value) << "the Hub keeps the HF token";
  EXPECT_EQ(tokens->secrets(), (std::vector<std::string>{hf.value, "sk-openai", "together-key", "other-key"}));
}

TEST(EndpointTokens, OpenAiIsDecidedPerEndpointNotByTheFirst) {
  const auto env = env_of({{"OPENAI_API_KEY", "sk-openai"}, {"OPENAI_BASE_URL", "http://proxy/v1/"}});
  const auto tokens = resolve_run_tokens({{"http://a/v1", 8, ""}, {"http://proxy/v1", 8, ""}}, hf, env);
  ASSERT_TRUE(tokens.has_value());
  EXPECT_EQ(value_of(tokens->endpoints[0]), hf.value);
  EXPECT_EQ(value_of(tokens->endpoints[1]), "sk-openai");
}

TEST(EndpointTokens, AVariableNotSetOrEmptyIsNamedWithItsEndpoint) {
  const auto unset = resolve_run_tokens({{"http://a/v1", 8, ""}, {"http://user:pw@b/v1", 8, "SECOND_KEY"}}, hf, env_of({}));
  ASSERT_FALSE(unset.has_value());
  EXPECT_EQ(
      unset.error(),
      "SECOND_KEY is not set, and --endpoint http://***@b/v1 takes its token from it (token_env): set it in the environment or in .env");
  const auto empty = resolve_run_tokens({{"http://b/v1", 8, "SECOND_KEY"}}, hf, env_of({{"SECOND_KEY", " \n"}}));
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error(),
            "SECOND_KEY is empty, and --endpoint http://b/v1 takes its token from it (token_env): set it in the environment or in .env");
}

TEST(EndpointTokens, TheSameTokenIsOneSecret) {
  const auto tokens =
      resolve_run_tokens({{"http://a/v1", 8, "K"}, {"http://b/v1", 8, "L"}}, std::nullopt, env_of({{"K", "x"}, {"L", "x"}}));
  ASSERT_TRUE(tokens.has_value());
  EXPECT_EQ(tokens->secrets(), std::vector<std::string>{"x"});
}

}  // namespace
}  // namespace synthgen
