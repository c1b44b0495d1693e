// Reading OpenAI's model list (GET /v1/models), for the stop on an unknown --model.
#include "synthgen/io/model_list.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

TEST(ReadModelList, IdsInTheServedOrder) {
  const auto ids =
      read_model_list(R"({"object":"list","data":[{"id":"meta-llama/Llama-3.1-8B-Instruct","object":"model","owned_by":"meta-llama"},)"
                      R"({"id":"Qwen/Qwen2.5-7B-Instruct","object":"model"},{"object":"model"},{"id":""},"junk"]})");
  ASSERT_TRUE(ids);
  EXPECT_EQ(*ids, (std::vector<std::string>{"meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen2.5-7B-Instruct"}));
}

TEST(ReadModelList, NotAListIsAnError) {
  for (const char* body : {"", "Not Found", R"({"error":"Not Found"})", R"({"data":{}})", "[]"}) {
    const auto ids = read_model_list(body);
    ASSERT_FALSE(ids) << body;
    EXPECT_NE(ids.error().find("not a model list"), std::string::npos);
  }
}

}  // namespace
}  // namespace synthgen
