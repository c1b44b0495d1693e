// Closest names, for naming the models an endpoint serves when --model is unknown there.
#include "synthgen/core/name_match.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

TEST(EditDistance, Basics) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("Llama", "llama"), 0u) << "case folded";
}

TEST(ClosestNames, TyposAndOwnersFirstThenTheRestInOrder) {
  const std::vector<std::string> served = {
      "Qwen/Qwen2.5-7B-Instruct",          "deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.1-8B-Instruct",
      "meta-llama/Llama-3.3-70B-Instruct", "google/gemma-2-9b-it",    "mistralai/Mistral-7B-Instruct-v0.3"};
  const auto closest = closest_names("meta-llama/Llama-3.1-8B-Instrukt:fastest", served, 3);
  ASSERT_EQ(closest.size(), 3u);
  EXPECT_EQ(closest[0], "meta-llama/Llama-3.1-8B-Instruct");
  EXPECT_EQ(closest[1], "meta-llama/Llama-3.3-70B-Instruct");
  EXPECT_EQ(closest_names("someone/Llama-3.1-8B-Instruct", served, 1).front(), "meta-llama/Llama-3.1-8B-Instruct")
      << "a wrong owner still finds the repo";
  EXPECT_EQ(closest_names("x", served, 10).size(), served.size());
  EXPECT_TRUE(closest_names("x", {}, 5).empty());
}

}  // namespace
}  // namespace synthgen
