// Token lookup in huggingface_hub's order, and redaction.
#include "synthgen/core/secrets.hpp"

#include <gtest/gtest.h>

#include <map>

#include "test_support.hpp"

namespace synthgen {
namespace {

using testing::env_of;

FileReader files_of(std::map<std::string, std::string> files) {
  return [files = std::move(files)](const std::string& path) -> std::optional<std::string> {
    const auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  };
}

TEST(FindToken, HfTokenFirst) {
  const auto t = find_token(env_of({{"HF_TOKEN", " hf_a\r\n"}, {"HUGGING_FACE_HUB_TOKEN", "hf_b"}}), files_of({}));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->value, "hf_a");
  EXPECT_EQ(t->origin, "HF_TOKEN");
}

TEST(FindToken, EmptyHfTokenIsNoToken) {
  const auto t = find_token(env_of({{"HF_TOKEN", "  \n"}, {"HUGGING_FACE_HUB_TOKEN", "hf_b"}}), files_of({}));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->value, "hf_b");
}

TEST(FindToken, TokenPathThenHfHomeThenXdgCacheThenHome) {
  EXPECT_EQ(find_token(env_of({{"HF_TOKEN_PATH", "/p/tok"}}), files_of({{"/p/tok", "hf_path\n"}}))->value, "hf_path");
  EXPECT_EQ(find_token(env_of({{"HF_HOME", "/hh"}}), files_of({{"/hh/token", "hf_home"}}))->value, "hf_home");
  EXPECT_EQ(find_token(env_of({{"XDG_CACHE_HOME", "/xc"}}), files_of({{"/xc/huggingface/token", "hf_xdg"}}))->value, "hf_xdg");
  const auto home = find_token(env_of({{"HOME", "/u"}}), files_of({{"/u/.cache/huggingface/token", "hf_u"}}));
  ASSERT_TRUE(home.has_value());
  EXPECT_EQ(home->value, "hf_u");
  EXPECT_EQ(home->origin, "/u/.cache/huggingface/token");
}

TEST(FindToken, NoneAnywhere) {
  EXPECT_FALSE(find_token(env_of({{"HOME", "/u"}}), files_of({{"/u/.cache/huggingface/token", "\n"}})).has_value());
}

TEST(Redact, ReplacesTheSecretAndTokenShapes) {
  EXPECT_EQ(redact("Bearer my-secret-value failed", "my-secret-value"), "Bearer hf_*** failed");
  EXPECT_EQ(redact("token hf_abcdefghijklmnopqrstuvwxyz0123 echoed", ""), "token hf_*** echoed");
  EXPECT_EQ(redact("hf_short stays", ""), "hf_short stays");
}

TEST(RedactUrl, DropsUserInfo) {
  EXPECT_EQ(redact_url("https://user:pass@host.example/v1?x=1"), "https://***@host.example/v1?x=1");
  EXPECT_EQ(redact_url("http://127.0.0.1:8080/v1"), "http://127.0.0.1:8080/v1");
  EXPECT_EQ(redact_url("http://user:pass@host"), "http://***@host") << "no path";
  EXPECT_EQ(redact_url("http://us@r:p@ss@[::1]:80/v1"), "http://***@[::1]:80/v1") << "up to the last @ of the authority";
  EXPECT_EQ(redact_url("http://host/v1?mail=a@b"), "http://host/v1?mail=a@b") << "an @ past the authority is not user-info";
}

TEST(Redact, DropsTheUserInfoOfEveryUrlInALine) {
  EXPECT_EQ(redact("asking from http://user:s3cret@127.0.0.1:8080/v1/chat/completions now", ""),
            "asking from http://***@127.0.0.1:8080/v1/chat/completions now");
  EXPECT_EQ(redact("--endpoint must be ..., got 'http://u:p(w)'d@h'", ""), "--endpoint must be ..., got 'http://***@h'");
  EXPECT_EQ(redact("a http://a:b@x and https://c:d@y", ""), "a http://***@x and https://***@y");
  EXPECT_EQ(redact("mail me@example.com about http://host/v1", ""), "mail me@example.com about http://host/v1");
  EXPECT_EQ(redact("Bearer tok, http://u:tok@h", "tok"), "Bearer hf_***, http://***@h");
}

TEST(Redact, EveryTokenOfAPool) {
  const std::vector<std::string> secrets{"sk-openai-key", "", "together-key", "sk-openai"};
  EXPECT_EQ(redact("a sk-openai-key, b together-key, c sk-openai!", secrets), "a hf_***, b hf_***, c hf_***!");
  EXPECT_EQ(redact("none here", std::vector<std::string>{}), "none here");
}

TEST(Redact, DropsEchoedBasicCredentials) {
  // base64("user:s3cretpass"), as libcurl sends the user-info of http://user:s3cretpass@host.
  EXPECT_EQ(redact("401: bad header 'Authorization: Basic dXNlcjpzM2NyZXRwYXNz' sent", ""),
            "401: bad header 'Authorization: Basic ***' sent");
  EXPECT_EQ(redact("Basic dXNlcjpwdzE=!", ""), "Basic ***!") << "with padding";
  EXPECT_EQ(redact("Basic information about the model", ""), "Basic information about the model") << "not base64-shaped";
  EXPECT_EQ(redact("Basic abc", ""), "Basic abc") << "too short";
  EXPECT_EQ(redact("Basic Settings", ""), "Basic Settings") << "a word";
}

}  // namespace
}  // namespace synthgen
