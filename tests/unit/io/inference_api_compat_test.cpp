// Both wire formats against the nlohmann-DOM code they replaced, kept here as the reference: request
// bodies must stay byte for byte the same (they key the response store and the golden files), and
// every answer must read the same, including every way of being wrong.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "synthgen/io/inference_api.hpp"
#include "test_support.hpp"

namespace synthgen {
namespace {

using Answer = std::expected<InferenceAnswer, std::string>;

// ---- The replaced implementation ----

std::string old_json_string(std::string_view text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string old_chat_body(std::string_view prompt, const GenerationParams& p, std::uint32_t seed) {
  return fmt::format(R"({{"model":{},"messages":[{{"role":"user","content":{}}}],"temperature":{},"top_p":{},"max_tokens":{},"seed":{}}})",
                     old_json_string(p.model), old_json_string(prompt), p.temperature, p.top_p, p.max_tokens, seed);
}

std::string old_tgi_body(std::string_view prompt, const GenerationParams& p, std::uint32_t seed) {
  return fmt::format(
      R"({{"inputs":{},"parameters":{{"temperature":{},"top_p":{},"max_new_tokens":{},"do_sample":true,"return_full_text":false,"seed":{}}},"options":{{"use_cache":false,"wait_for_model":true}}}})",
      old_json_string("<s>[INST] " + std::string(prompt) + " [/INST]"), p.temperature, p.top_p, p.max_tokens, seed);
}

long old_token_count(const nlohmann::json& usage, const char* key) {
  const auto it = usage.find(key);
  if (it == usage.end() || !it->is_number_unsigned()) return 0;
  const auto count = it->get<std::uint64_t>();
  return count <= 0x7fffffffu ? static_cast<long>(count) : 0;
}

// The DOM reference, with the rules added since: content null or absent is an answer without text,
// a list of parts gives its text parts' text, finish_reason "length" marks a cut answer.
Answer old_chat_answer(std::string_view body) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return std::unexpected("the answer is not a JSON object");
  const auto choices = doc.find("choices");
  if (choices == doc.end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
    return std::unexpected("the answer has no choices");
  }
  const auto& choice = (*choices)[0];
  const auto message = choice.find("message");
  if (message == choice.end() || !message->is_object()) return std::unexpected("the answer's message has no content");
  const auto content = message->find("content");
  InferenceAnswer answer{"", {}, {}};
  if (content == message->end() || content->is_null()) {
    answer.no_text = "no_text";
  } else if (content->is_string()) {
    answer.text = content->get<std::string>();
  } else if (content->is_array()) {
    bool any = false;
    for (const auto& part : *content) {
      if (!part.is_object() || part.value("type", nlohmann::json()) != "text") continue;
      if (const auto text = part.find("text"); text != part.end() && text->is_string()) {
        answer.text += text->get<std::string>();
        any = true;
      }
    }
    if (!any) answer.no_text = "no_text";
  } else {
    return std::unexpected("the answer's message has no content");
  }
  if (const auto finish = choice.find("finish_reason"); finish != choice.end() && *finish == "length") answer.no_text = "length";
  if (const auto usage = doc.find("usage"); usage != doc.end() && usage->is_object()) {
    answer.usage.prompt = old_token_count(*usage, "prompt_tokens");
    answer.usage.completion = old_token_count(*usage, "completion_tokens");
  }
  return answer;
}

Answer old_tgi_answer(std::string_view body) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  const auto& item = (doc.is_array() && !doc.empty()) ? doc[0] : doc;
  if (item.is_object()) {
    const auto text = item.find("generated_text");
    if (text != item.end() && text->is_string()) return InferenceAnswer{text->get<std::string>(), {}, {}};
  }
  return std::unexpected("the answer has no generated_text");
}

// ---- Inputs ----

std::string describe(const Answer& a) {
  if (!a) return "error: " + a.error();
  return "text " + ::testing::PrintToString(a->text) +
         fmt::format(" usage {}/{} no_text '{}'", a->usage.prompt, a->usage.completion, a->no_text);
}

// JSON text (so keys may repeat, which a DOM cannot express) drawn toward the paths the readers follow.
class AnswerGenerator {
 public:
  explicit AnswerGenerator(std::uint32_t seed) : random_(seed) {}

  std::string document() {
    auto text = value(0);
    switch (pick(12)) {
      case 0: return text.substr(0, pick(static_cast<std::uint32_t>(text.size()) + 1));  // cut short
      case 1: return text + pick_of({" ", "\n", "x", "}", ",{}", "\xFF"});               // trailing bytes
      case 2: {                                                                          // one byte changed
        if (!text.empty()) text[pick(static_cast<std::uint32_t>(text.size()))] = pick_of({"\"", "{", "]", ",", ":", "\x80", "1"})[0];
        return text;
      }
      default: return text;
    }
  }

 private:
  std::uint32_t pick(std::uint32_t n) { return n == 0 ? 0 : static_cast<std::uint32_t>(random_() % n); }
  std::string pick_of(std::initializer_list<const char*> options) {
    return *(options.begin() + pick(static_cast<std::uint32_t>(options.size())));
  }

  std::string scalar() {
    return pick_of({"null",
                    "true",
                    "false",
                    "0",
                    "46",
                    "-5",
                    "-0",
                    "2147483647",
                    "2147483648",
                    "4294967296",
                    "18446744073709551615",
                    "18446744073709551616",
                    "46.0",
                    "1e300",
                    "4.6e1",
                    "\"\"",
                    "\" Neutral\"",
                    "\"pos\\\"itive\"",
                    "\"caf\\u00e9 \\ud83d\\ude00\"",
                    "\"x\xC3\xA9\""});
  }

  // The keys that matter where they matter most of the time, any key anywhere some of the time.
  std::string key(std::string_view parent) {
    if (pick(4) > 0) {
      if (parent == "root") return pick_of({"choices", "usage", "choices", "usage", "id", "generated_text"});
      if (parent == "choices") return pick_of({"message", "index", "finish_reason"});
      if (parent == "message") return pick_of({"content", "role", "content", "reasoning_content"});
      if (parent == "part") return pick_of({"type", "text", "thinking"});
      if (parent == "usage") return pick_of({"prompt_tokens", "completion_tokens", "total_tokens"});
    }
    return pick_of({"choices", "message", "content", "usage", "prompt_tokens", "completion_tokens", "generated_text", "index", "role",
                    "Content", "usage ", "x"});
  }

  // `parent` names what holds the value: the key it is under, or "root".
  std::string value(int depth, std::string_view parent = "root") {
    const bool shaped = pick(5) > 0;
    std::uint32_t kind = depth >= 6 ? 0 : pick(5);  // 0-1 scalar, 2 array, 3-4 object
    if (shaped) {
      if (parent == "root" || parent == "message" || parent == "usage" || parent == "choices[]") kind = pick(8) == 0 ? 2 : 3;
      if (parent == "choices") kind = 2;
      if (parent == "generated_text" || parent.ends_with("tokens") || parent == "finish_reason" || parent == "type") kind = 0;
      if (parent == "content") kind = pick(4) == 0 ? 2 : 0;
      if (parent == "content[]") kind = 3;
    }
    if (kind <= 1 && shaped && (parent == "content" || parent == "generated_text" || parent == "text")) return R"(" Neutral")";
    if (kind <= 1 && shaped && parent == "finish_reason") return pick_of({"\"length\"", "\"stop\"", "null"});
    if (kind <= 1 && shaped && parent == "type") return pick_of({"\"text\"", "\"text\"", "\"thinking\""});
    if (kind <= 1 && shaped && parent.ends_with("tokens")) return pick_of({"46", "579", "2147483647", "2147483648", "46.0", "null"});
    if (kind <= 1) return scalar();
    std::string text = kind == 2 ? "[" : "{";
    const auto members = pick(4) + (shaped ? 1 : 0) + (shaped && parent == "root" ? 1 : 0);
    for (std::uint32_t i = 0; i < members; ++i) {
      if (i > 0) text += pick(6) == 0 ? " , " : ",";
      if (kind == 2) {
        text += value(depth + 1, parent == "choices" ? "choices[]" : parent == "content" ? "content[]" : "x");
      } else {
        const auto name = key(parent == "choices[]" ? "choices" : parent == "content[]" ? "part" : parent);
        text += "\"" + name + "\":" + value(depth + 1, name);
      }
    }
    return text + (kind == 2 ? "]" : "}");
  }

  std::mt19937 random_;
};

// ---- The comparisons ----

const GenerationParams notebook{"mistralai/Mixtral-8x7B-Instruct-v0.1", 0.8, 0.9, 128};
const GenerationParams odd{"m\"od\\el \xC3\xA9\xFF\n", 1.0, 0.1 + 0.2, 0};
const GenerationParams tiny{"", 1e-7, 1e21, -1};

std::vector<std::string> prompts() {
  std::vector<std::string> all = {"",
                                  "Label it",
                                  "Say \"hi\"\nTEXT: x\tLabel: ",
                                  std::string("nul\0byte", 8),
                                  "\x7f\x1f\x01",
                                  "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
                                  "cut \xE2\x82",
                                  "\xE2\x82",
                                  "\x80 start",
                                  "\xFF",
                                  "end \xF0",
                                  std::string(5000, 'x') + "\"\\\n"};
  std::mt19937 random(7);
  for (int i = 0; i < 500; ++i) {
    std::string text;
    const auto length = random() % 300;
    for (std::size_t j = 0; j < length; ++j) text += static_cast<char>(random() % 8 == 0 ? random() % 256 : 'a' + random() % 26);
    all.push_back(std::move(text));
  }
  return all;
}

TEST(InferenceApiCompat, ChatBodiesAreByteForByteTheOldOnes) {
  const auto api = make_openai_chat_api("http://h/v1");
  std::uint32_t seed = 0;
  for (const auto& prompt : prompts()) {
    for (const auto* params : {&notebook, &odd, &notebook, &tiny}) {  // alternating: the cached parts follow the params
      ASSERT_EQ(api->request_body(prompt, *params, seed), old_chat_body(prompt, *params, seed)) << ::testing::PrintToString(prompt);
      seed = seed * 2654435761u + 1;
    }
  }
  EXPECT_EQ(api->request_body("p", notebook, 4294967295u), old_chat_body("p", notebook, 4294967295u));
}

TEST(InferenceApiCompat, TextGenerationBodiesAreByteForByteTheOldOnes) {
  const auto api = make_text_generation_api("http://h");
  std::uint32_t seed = 0;
  for (const auto& prompt : prompts()) {
    for (const auto* params : {&notebook, &odd, &notebook, &tiny}) {
      ASSERT_EQ(api->request_body(prompt, *params, seed), old_tgi_body(prompt, *params, seed)) << ::testing::PrintToString(prompt);
      seed = seed * 2654435761u + 1;
    }
  }
}

TEST(InferenceApiCompat, GeneratedAnswersReadTheSameAsWithTheDom) {
  const auto chat = make_openai_chat_api("http://h/v1");
  const auto tgi = make_text_generation_api("http://h");
  AnswerGenerator generator(20240321);
  std::map<std::string, int> outcomes;
  const int cases = testing::scaled_cases(40000);
  for (int i = 0; i < cases; ++i) {
    const auto body = generator.document();
    const auto expected_chat = old_chat_answer(body);
    const auto expected_tgi = old_tgi_answer(body);
    ASSERT_EQ(describe(chat->read_answer(body)), describe(expected_chat)) << body;
    ASSERT_EQ(describe(tgi->read_answer(body)), describe(expected_tgi)) << body;
    if (expected_chat && !expected_chat->no_text.empty()) ++outcomes["chat " + expected_chat->no_text];
    ++outcomes[expected_chat ? (expected_chat->usage.prompt + expected_chat->usage.completion > 0 ? "chat text and usage" : "chat text")
                             : expected_chat.error()];
    ++outcomes[expected_tgi ? "generated text" : expected_tgi.error()];
  }
  // Every outcome must be reached often, or the comparison above proves little.
  for (const auto* outcome :
       {"chat text and usage", "chat text", "chat no_text", "chat length", "the answer is not a JSON object", "the answer has no choices",
        "the answer's message has no content", "generated text", "the answer has no generated_text"}) {
    EXPECT_GE(outcomes[outcome], cases / 200) << outcome;
  }
}

TEST(InferenceApiCompat, FuzzCorpusReadsTheSameAsWithTheDom) {
  const auto chat = make_openai_chat_api("http://h/v1");
  const auto tgi = make_text_generation_api("http://h");
  for (const auto* target : {"openai_chat", "text_generation", "service_error_text"}) {
    const auto dir = std::filesystem::path(SYNTHGEN_SOURCE_DIR) / "fuzz" / "corpus" / target;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      std::ifstream file(entry.path(), std::ios::binary);
      const std::string body{std::istreambuf_iterator<char>(file), {}};
      EXPECT_EQ(describe(chat->read_answer(body)), describe(old_chat_answer(body))) << entry.path();
      EXPECT_EQ(describe(tgi->read_answer(body)), describe(old_tgi_answer(body))) << entry.path();
    }
  }
}

}  // namespace
}  // namespace synthgen
