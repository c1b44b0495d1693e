// The chat reader on real servers' answers (tests/fixtures/real_shapes, each naming its recording):
// answers without text, cut at max_tokens, in parts, with reasoning; and what a 2xx bills.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "synthgen/io/inference_api.hpp"

namespace synthgen {
namespace {

// The fixture's body as the fake serves it: "{answer}" in its strings replaced by `answer`.
std::string shape_body(const std::string& name, const std::string& answer) {
  const auto path = std::filesystem::path(SYNTHGEN_SOURCE_DIR) / "tests" / "fixtures" / "real_shapes" / (name + ".json");
  std::ifstream file(path);
  auto shape = nlohmann::json::parse(file);
  EXPECT_FALSE(shape.at("source").get<std::string>().empty()) << name;
  const auto fill = [&](auto& self, nlohmann::json& value) -> void {
    if (value.is_string()) {
      auto text = value.get<std::string>();
      for (auto at = text.find("{answer}"); at != std::string::npos; at = text.find("{answer}", at + answer.size())) {
        text.replace(at, 8, answer);
      }
      value = text;
    } else if (value.is_structured()) {
      for (auto& item : value) self(self, item);
    }
  };
  auto& body = shape.at("body");
  fill(fill, body);
  return body.dump();
}

InferenceAnswer read_shape(const std::string& name, const std::string& answer = "positive") {
  const auto api = make_openai_chat_api("http://h/v1");
  auto read = api->read_answer(shape_body(name, answer));
  EXPECT_TRUE(read.has_value()) << name << ": " << (read ? "" : read.error());
  return read.value_or(InferenceAnswer{});
}

TEST(AnswerShapes, TheRecordedTgiAnswerHasText) {
  const auto answer = read_shape("tgi_chat_completion", " Neutral");
  EXPECT_EQ(answer.text, " Neutral");
  EXPECT_EQ(answer.no_text, "");
  EXPECT_EQ(answer.usage.prompt, 39);
}

TEST(AnswerShapes, ToolCallsWithContentNullAreAnAnswerWithoutText) {
  const auto answer = read_shape("tgi_tool_call_content_null");
  EXPECT_EQ(answer.no_text, "no_text");
  EXPECT_EQ(answer.text, "") << "the label in the tool call's arguments is not read";
  EXPECT_EQ(answer.usage.prompt, 412);
  EXPECT_EQ(answer.usage.completion, 21);
}

TEST(AnswerShapes, ReasoningOnlyAnswersHaveNoText) {
  const auto answer = read_shape("vllm_qwen3_reasoning_content_null");
  EXPECT_EQ(answer.no_text, "no_text");
  EXPECT_EQ(answer.text, "") << "reasoning_content is not the answer";
  EXPECT_EQ(answer.usage.completion, 14);
  const auto beside = read_shape("vllm_reasoning_content_beside_answer", "negative");
  EXPECT_EQ(beside.text, "negative");
  EXPECT_EQ(beside.no_text, "");
}

TEST(AnswerShapes, AnAnswerCutAtMaxTokensIsMarkedLength) {
  const auto answer = read_shape("tgi_length_cut");
  EXPECT_EQ(answer.no_text, "length");
  EXPECT_EQ(answer.text, "positive") << "the text is kept, for --details";
  EXPECT_EQ(answer.usage.completion, 128);
  EXPECT_EQ(read_shape("qwen3_think_cut_by_length").no_text, "length");
}

TEST(AnswerShapes, MagistralPartsGiveTheirTextPartsOnly) {
  const auto answer = read_shape("magistral_thinking_parts", "neutral");
  EXPECT_EQ(answer.text, "neutral") << "the thinking part's own text chunks are left out";
  EXPECT_EQ(answer.no_text, "");
  EXPECT_EQ(answer.usage.prompt, 89);
  const auto tool_call = read_shape("magistral_tool_call_thinking_only");
  EXPECT_EQ(tool_call.no_text, "no_text");
  EXPECT_EQ(tool_call.text, "");
  EXPECT_EQ(tool_call.usage.completion, 125);
}

TEST(AnswerShapes, ThinkInContentIsKeptForTheParser) {
  const auto answer = read_shape("deepseek_r1_think_in_content", "positive");
  EXPECT_TRUE(answer.text.starts_with("<think>\n"));
  EXPECT_TRUE(answer.text.ends_with("</think>\n\npositive"));
  EXPECT_EQ(answer.no_text, "");
}

TEST(ChatParts, TextPartsConcatenateInOrderWhateverTheKeyOrder) {
  const auto api = make_openai_chat_api("http://h/v1");
  const auto text_of = [&](const std::string& content) {
    const auto read = api->read_answer(R"({"choices":[{"message":{"content":)" + content + "}}]}");
    return read ? read->text + "|" + read->no_text : "error: " + read.error();
  };
  EXPECT_EQ(text_of(R"([{"type":"text","text":"pos"},{"type":"thinking","thinking":[]},{"text":"itive","type":"text"}])"), "positive|");
  EXPECT_EQ(text_of(R"([{"type":"thinking","thinking":[{"type":"text","text":"no"}]}])"), "|no_text");
  EXPECT_EQ(text_of(R"([])"), "|no_text");
  EXPECT_EQ(text_of(R"(["positive",7,null,[{"type":"text","text":"x"}]])"), "|no_text") << "only objects are parts";
  EXPECT_EQ(text_of(R"([{"type":"text"},{"type":"image_url","text":"no"},{"type":"text","text":""}])"), "|");
  EXPECT_EQ(text_of(R"([{"type":"text","text":"a","text":"b","type":"thinking"}])"), "|no_text") << "the last of a repeated key";
  EXPECT_EQ(text_of(R"([{"type":"text","text":"a"}],"content":"b")"), "b|");
  EXPECT_EQ(text_of(R"("b","content":[{"type":"text","text":"a"}])"), "a|");
  EXPECT_EQ(text_of("7"), "error: the answer's message has no content");
  EXPECT_EQ(text_of(R"({"type":"text","text":"a"})"), "error: the answer's message has no content");
}

TEST(ChatFinishReason, OnlyLengthOfTheFirstChoiceMarksACut) {
  const auto api = make_openai_chat_api("http://h/v1");
  const auto mark_of = [&](const std::string& choices) { return api->read_answer(R"({"choices":)" + choices + "}").value().no_text; };
  EXPECT_EQ(mark_of(R"([{"message":{"content":"positive"},"finish_reason":"length"}])"), "length");
  EXPECT_EQ(mark_of(R"([{"finish_reason":"length","message":{"content":null}}])"), "length") << "cut before any text";
  EXPECT_EQ(mark_of(R"([{"message":{"content":"positive"},"finish_reason":"stop"}])"), "");
  EXPECT_EQ(mark_of(R"([{"message":{"content":"positive"},"finish_reason":"length","finish_reason":"stop"}])"), "");
  EXPECT_EQ(mark_of(R"([{"message":{"content":"positive"}},{"message":{"content":"x"},"finish_reason":"length"}])"), "");
  EXPECT_EQ(mark_of(R"([{"message":{"content":"positive"},"finish_reason":"LENGTH"}])"), "");
  EXPECT_EQ(mark_of(R"([{"message":{"content":"positive"},"finish_reason":["length"]}])"), "");
  EXPECT_EQ(mark_of(R"([{"message":{"content":"positive"}}])"), "");
}

TEST(ChatBilledUsage, ReadFromBodiesThatHoldNoAnswer) {
  const auto api = make_openai_chat_api("http://h/v1");
  // OpenAI's include_usage last chunk has this shape: no choices, the usage of the whole answer.
  const std::string no_choices = R"({"object":"chat.completion","choices":[],"usage":{"prompt_tokens":46,"completion_tokens":7}})";
  ASSERT_FALSE(api->read_answer(no_choices).has_value());
  EXPECT_EQ(api->billed_usage(no_choices).prompt, 46);
  EXPECT_EQ(api->billed_usage(no_choices).completion, 7);
  const auto cut = api->billed_usage(R"({"usage":{"prompt_tokens":12,"completion_tokens":3},"choices":[{"message":{"content":"pos)");
  EXPECT_EQ(cut.prompt, 12) << "what was read before the body broke";
  EXPECT_EQ(cut.completion, 3);
  EXPECT_EQ(api->billed_usage("<html>502</html>").prompt, 0);
  EXPECT_EQ(make_text_generation_api("http://h")->billed_usage(no_choices).prompt, 0) << "TGI's raw answers carry no usage";
}

}  // namespace
}  // namespace synthgen
