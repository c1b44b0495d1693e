// Request bodies and answer reading for both wire formats, and error-body messages.
#include "synthgen/io/inference_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace synthgen {
namespace {

const GenerationParams params{"mistralai/Mixtral-8x7B-Instruct-v0.1", 0.8, 0.9, 128};

TEST(OpenAiChat, BodyHasTheNotebooksParametersAndTheVoteSeed) {
  const auto api = make_openai_chat_api("http://h/v1");
  EXPECT_EQ(api->url(), "http://h/v1/chat/completions");
  const auto body = nlohmann::json::parse(api->request_body("Say \"hi\"\nTEXT: x", params, 1234));
  EXPECT_EQ(body["model"], "mistralai/Mixtral-8x7B-Instruct-v0.1");
  EXPECT_EQ(body["messages"][0]["role"], "user");
  EXPECT_EQ(body["messages"][0]["content"], "Say \"hi\"\nTEXT: x");
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(body["top_p"].get<double>(), 0.9);
  EXPECT_EQ(body["max_tokens"], 128);
  EXPECT_EQ(body["seed"], 1234);
  EXPECT_FALSE(body.contains("n"));
}

TEST(OpenAiChat, ReadsContentAndUsage) {
  const auto api = make_openai_chat_api("http://h/v1");
  const auto answer = api->read_answer(
      R"({"object":"chat.completion","id":"","created":1742555982,"model":"m","system_fingerprint":"3.2.1-native",
          "choices":[{"index":0,"message":{"role":"assistant","content":" Neutral"},"logprobs":null,"finish_reason":"stop"}],
          "usage":{"prompt_tokens":46,"completion_tokens":579,"total_tokens":625}})");
  ASSERT_TRUE(answer.has_value()) << answer.error();
  EXPECT_EQ(answer->text, " Neutral");
  EXPECT_EQ(answer->usage.prompt, 46);
  EXPECT_EQ(answer->usage.completion, 579);
}

TEST(OpenAiChat, MalformedAnswersAreErrorsNotExceptions) {
  const auto api = make_openai_chat_api("http://h/v1");
  EXPECT_EQ(api->read_answer("{\"choices\":[{\"message\":{\"content\":\"pos").error(), "the answer is not a JSON object");
  EXPECT_EQ(api->read_answer(R"({"choices":[]})").error(), "the answer has no choices");
  EXPECT_EQ(api->read_answer(R"({"choices":[{"message":{"content":true}}]})").error(), "the answer's message has no content");
  EXPECT_EQ(api->read_answer("[1,2]").error(), "the answer is not a JSON object");
}

// A complete answer without text (tool calls, reasoning only) is an answer, not a broken body: it is
// not asked again, and its usage is billed.
TEST(OpenAiChat, ContentNullOrAbsentIsAnAnswerWithoutText) {
  const auto api = make_openai_chat_api("http://h/v1");
  for (const auto* message : {R"({"role":"assistant","content":null})", R"({"role":"assistant","tool_calls":[]})", "{}"}) {
    const auto answer =
        api->read_answer(std::string(R"({"choices":[{"message":)") + message + R"(}],"usage":{"prompt_tokens":9,"completion_tokens":4}})");
    ASSERT_TRUE(answer.has_value()) << message;
    EXPECT_EQ(answer->text, "") << message;
    EXPECT_EQ(answer->no_text, "no_text") << message;
    EXPECT_EQ(answer->usage.prompt, 9) << message;
  }
  EXPECT_EQ(api->read_answer(R"({"choices":[{"message":{"content":""}}]})")->no_text, "") << "empty text is text naming no label";
  EXPECT_EQ(api->read_answer(R"({"choices":[{"message":{"content":"a"}}]})")->no_text, "");
}

// Found by fuzz/openai_chat_fuzz.cpp: value() threw on a null token count (exit 1 instead of a counted
// bad answer), and a count beyond `long` was undefined behaviour.
TEST(OpenAiChat, OddTokenCountsAreZeroNotAnException) {
  const auto api = make_openai_chat_api("http://h/v1");
  for (const auto* usage : {R"({"prompt_tokens":null,"completion_tokens":"12"})", R"({"prompt_tokens":1e300,"completion_tokens":-5})",
                            R"({"prompt_tokens":4294967296,"completion_tokens":[1]})"}) {
    const auto answer = api->read_answer(std::string(R"({"choices":[{"message":{"content":"positive"}}],"usage":)") + usage + "}");
    ASSERT_TRUE(answer.has_value()) << usage;
    EXPECT_EQ(answer->text, "positive");
    EXPECT_EQ(answer->usage.prompt, 0) << usage;
    EXPECT_EQ(answer->usage.completion, 0) << usage;
  }
  EXPECT_EQ(api->read_answer(R"({"choices":[{"message":"positive"}]})").error(), "the answer's message has no content");
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// Found with the fuzz targets' stack-overflow check: the message was copied, and a copy recurses once
// per level, so a 400 kB answer crashed the process.
TEST(OpenAiChat, DeeplyNestedMessageIsABadAnswerNotACrash) {
  const auto api = make_openai_chat_api("http://h/v1");
  const auto answer = api->read_answer(R"({"choices":[{"message":)" + nested_arrays(200'000) + "}]}");
  EXPECT_EQ(answer.error(), "the answer's message has no content");
}

// Read as the DOM did: the last of repeated keys counts, extra fields and other choices are ignored.
TEST(OpenAiChat, EdgeShapesOfAnswers) {
  const auto api = make_openai_chat_api("http://h/v1");
  const auto text_of = [&](const std::string& body) { return api->read_answer(body).value().text; };
  const auto error_of = [&](const std::string& body) { return api->read_answer(body).error(); };
  EXPECT_EQ(
      text_of(
          R"({"id":{"a":[1,{"content":"no"}]},"choices":[{"x":[[]],"message":{"role":"assistant","content":"yes","extra":{}}},{"message":{"content":"second"}}]})"),
      "yes");
  EXPECT_EQ(text_of(R"({"choices":[{"message":{"content":"first","content":"last"}}]})"), "last");
  EXPECT_EQ(text_of(R"({"choices":[{"message":{"content":"a"}}],"choices":[{"message":{"content":"b"}}]})"), "b");
  EXPECT_EQ(error_of(R"({"choices":[{"message":{"content":"a"}}],"choices":[]})"), "the answer has no choices");
  EXPECT_EQ(api->read_answer(R"({"choices":[{"message":{"content":"a"},"message":{}}]})")->no_text, "no_text");
  EXPECT_EQ(text_of(R"({"choices":[{"message":{"content":"caf\u00e9 \ud83d\ude00 \"q\""}}]})"), "caf\xC3\xA9 \xF0\x9F\x98\x80 \"q\"");
  EXPECT_EQ(text_of(R"({"choices":[{"message":{"content":""}}]})"), "");
  EXPECT_EQ(error_of(R"({"choices":{"0":{"message":{"content":"a"}}}})"), "the answer has no choices");
  EXPECT_EQ(error_of(R"({"choices":[[{"message":{"content":"a"}}]]})"), "the answer has no choices");
  EXPECT_EQ(error_of(R"({"choices":[null,{"message":{"content":"a"}}]})"), "the answer has no choices");
  EXPECT_EQ(api->read_answer(R"({"choices":[{"message":{"content":["a"]}}]})")->no_text, "no_text");
  EXPECT_EQ(error_of(R"({"choices":[{"message":{"content":7}}]})"), "the answer's message has no content");
  EXPECT_EQ(error_of(R"({"choices":[{}]})"), "the answer's message has no content");
  EXPECT_EQ(error_of(R"({"data":{"choices":[{"message":{"content":"a"}}]}})"), "the answer has no choices");
  EXPECT_EQ(error_of(R"({"choices":[{"message":{"content":"a"}}]} trailing)"), "the answer is not a JSON object");
  EXPECT_EQ(error_of("{\"choices\":[{\"message\":{\"content\":\"a\xFF\"}}]}"), "the answer is not a JSON object");
  EXPECT_EQ(error_of(R"("choices")"), "the answer is not a JSON object");
  EXPECT_EQ(error_of(""), "the answer is not a JSON object");
}

TEST(OpenAiChat, UsageCountsOnlyWholeNumbersOfAnObject) {
  const auto api = make_openai_chat_api("http://h/v1");
  const auto usage_of = [&](const std::string& usage) {
    const auto answer = api->read_answer(R"({"usage":)" + usage + R"(,"choices":[{"message":{"content":"x"}}]})");
    return std::pair{answer.value().usage.prompt, answer.value().usage.completion};
  };
  EXPECT_EQ(usage_of(R"({"prompt_tokens":46.0,"completion_tokens":4.6e1})"), std::pair(0L, 0L));
  EXPECT_EQ(usage_of(R"({"prompt_tokens":2147483647,"completion_tokens":2147483648})"), std::pair(2147483647L, 0L));
  EXPECT_EQ(usage_of(R"({"prompt_tokens":0,"completion_tokens":-0})"), std::pair(0L, 0L));
  EXPECT_EQ(usage_of(R"({"prompt_tokens":1,"prompt_tokens":2,"completion_tokens":3,"total_tokens":6})"), std::pair(2L, 3L));
  EXPECT_EQ(usage_of(R"([{"prompt_tokens":1}])"), std::pair(0L, 0L));
  EXPECT_EQ(usage_of(R"({"detail":{"prompt_tokens":1},"completion_tokens":5})"), std::pair(0L, 5L));
  EXPECT_EQ(usage_of(R"({"prompt_tokens":1,"completion_tokens":2}, "usage":null)"), std::pair(0L, 0L));
}

TEST(OpenAiChat, DeepNestingAnywhereIsReadWithoutRecursion) {
  const auto api = make_openai_chat_api("http://h/v1");
  const auto deep = nested_arrays(200'000);
  const auto answer =
      api->read_answer(R"({"x":)" + deep + R"(,"choices":[{"message":{"content":"ok","y":)" + deep + R"(}}],"usage":)" + deep + "}");
  ASSERT_TRUE(answer.has_value()) << answer.error();
  EXPECT_EQ(answer->text, "ok");
  EXPECT_EQ(api->read_answer(R"({"choices":)" + deep + "}").error(), "the answer has no choices");
  EXPECT_EQ(api->read_answer(std::string(200'000, '{')).error(), "the answer is not a JSON object");
}

TEST(OpenAiChat, BodiesFollowChangedParameters) {
  const auto api = make_openai_chat_api("http://h/v1");
  EXPECT_EQ(
      api->request_body("p", params, 1),
      R"({"model":"mistralai/Mixtral-8x7B-Instruct-v0.1","messages":[{"role":"user","content":"p"}],"temperature":0.8,"top_p":0.9,"max_tokens":128,"seed":1})");
  EXPECT_EQ(
      api->request_body("q\n", {"other", 1.5, 0.25, 64}, 4294967295u),
      R"({"model":"other","messages":[{"role":"user","content":"q\n"}],"temperature":1.5,"top_p":0.25,"max_tokens":64,"seed":4294967295})");
  EXPECT_EQ(
      api->request_body("", params, 0),
      R"({"model":"mistralai/Mixtral-8x7B-Instruct-v0.1","messages":[{"role":"user","content":""}],"temperature":0.8,"top_p":0.9,"max_tokens":128,"seed":0})");
}

TEST(TextGeneration, BodyUsesTheMixtralTemplateAndSwitchesTheCacheOff) {
  const auto api = make_text_generation_api("http://h/models/m");
  EXPECT_EQ(api->url(), "http://h/models/m");
  EXPECT_EQ(api->extra_headers(), (std::vector<std::string>{"x-use-cache: false"}));
  const auto body = nlohmann::json::parse(api->request_body("Label it", params, 7));
  EXPECT_EQ(body["inputs"], "<s>[INST] Label it [/INST]");
  EXPECT_EQ(body["parameters"]["max_new_tokens"], 128);
  EXPECT_EQ(body["parameters"]["do_sample"], true);
  EXPECT_EQ(body["parameters"]["return_full_text"], false);
  EXPECT_EQ(body["parameters"]["seed"], 7);
  EXPECT_EQ(body["options"]["use_cache"], false);
}

TEST(TextGeneration, ReadsListAndBareForms) {
  const auto api = make_text_generation_api("http://h");
  EXPECT_EQ(api->read_answer(R"([{"generated_text":" neutral"}])")->text, " neutral");
  EXPECT_EQ(api->read_answer(R"({"generated_text":"positive"})")->text, "positive");
  EXPECT_FALSE(api->read_answer(R"([])").has_value());
  EXPECT_FALSE(api->read_answer("<html>").has_value());
}

TEST(TextGeneration, EdgeShapesOfAnswers) {
  const auto api = make_text_generation_api("http://h");
  const auto read = [&](const std::string& body) -> std::string {
    const auto answer = api->read_answer(body);
    return answer ? answer->text : "error: " + answer.error();
  };
  EXPECT_EQ(read(R"([{"generated_text":"a","details":{"generated_text":"no"}},{"generated_text":"second"}])"), "a");
  EXPECT_EQ(read(R"({"generated_text":"a","generated_text":"b"})"), "b");
  EXPECT_EQ(read(R"({"generated_text":"a","generated_text":null})"), "error: the answer has no generated_text");
  EXPECT_EQ(read(R"([[{"generated_text":"a"}]])"), "error: the answer has no generated_text");
  EXPECT_EQ(read(R"([7,{"generated_text":"a"}])"), "error: the answer has no generated_text");
  EXPECT_EQ(read(R"([{"generated_text":5}])"), "error: the answer has no generated_text");
  EXPECT_EQ(read(R"({"generated_text":"a"} x)"), "error: the answer has no generated_text");
  EXPECT_EQ(read(R"({"x":)" + nested_arrays(200'000) + R"(,"generated_text":"deep"})"), "deep");
  EXPECT_EQ(read(R"("generated_text")"), "error: the answer has no generated_text");
}

TEST(TextGeneration, BodyIsTheTemplatedPromptAndTheParameters) {
  const auto api = make_text_generation_api("http://h");
  EXPECT_EQ(
      api->request_body("say \"x\"", params, 9),
      R"({"inputs":"<s>[INST] say \"x\" [/INST]","parameters":{"temperature":0.8,"top_p":0.9,"max_new_tokens":128,"do_sample":true,"return_full_text":false,"seed":9},"options":{"use_cache":false,"wait_for_model":true}})");
}

TEST(ServiceErrorText, EveryShapeOfWireFormats) {
  EXPECT_EQ(service_error_text(R"({"error":"Invalid username or password."})"), "Invalid username or password.");
  EXPECT_EQ(
      service_error_text(R"({"error":{"message":"Model not supported","type":"invalid_request_error","code":"model_not_supported"}})"),
      "Model not supported");
  EXPECT_EQ(service_error_text(R"({"error":["Input validation error: a","b"]})"), "Input validation error: a; b");
  EXPECT_EQ(service_error_text(R"({"error":"Model X is currently loading","estimated_time":118.03})"), "Model X is currently loading");
  EXPECT_EQ(service_error_text("Internal Server Error\n"), "Internal Server Error");
  EXPECT_EQ(service_error_text(std::string(500, 'x')).size(), 303u);
}

// Found with the fuzz targets' stack-overflow check: message_of recursed once per level of nesting.
TEST(ServiceErrorText, DeeplyNestedBodyDoesNotOverflowTheStack) {
  const auto text = service_error_text(R"({"error":)" + nested_arrays(200'000) + "}");
  EXPECT_TRUE(text.starts_with(R"({"error":[[[)")) << text.substr(0, 40);
  EXPECT_EQ(service_error_text(R"({"error":[[["deep"]]]})"), "deep");
}

TEST(JsonString, EscapesAndSurvivesInvalidUtf8) {
  EXPECT_EQ(json_string("a\"b\n"), R"("a\"b\n")");
  EXPECT_EQ(json_string("bad \xFF byte"), "\"bad \xEF\xBF\xBD byte\"");
}

}  // namespace
}  // namespace synthgen
