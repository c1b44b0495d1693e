// Error bodies of the HF services and OpenAI-compatible servers, reduced to one line of text.
#include <nlohmann/json.hpp>

#include "synthgen/core/text.hpp"
#include "synthgen/io/inference_api.hpp"

namespace synthgen {
namespace {

// Real messages sit a level or two deep; the limit keeps a deeply nested body from overflowing the stack.
constexpr int max_depth = 8;

std::string message_of(const nlohmann::json& value, int depth = 0) {
  if (value.is_string()) return value.get<std::string>();
  if (depth == max_depth) return {};
  if (value.is_array()) {
    std::string joined;
    for (const auto& item : value) joined += (joined.empty() ? "" : "; ") + message_of(item, depth + 1);
    return joined;
  }
  if (value.is_object()) {
    for (const char* key : {"message", "error", "detail"}) {
      if (const auto it = value.find(key); it != value.end()) return message_of(*it, depth + 1);
    }
  }
  return {};
}

}  // namespace

std::string service_error_text(std::string_view body) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  auto text = doc.is_discarded() ? std::string(body) : message_of(doc);
  if (text.empty()) text = std::string(body);
  return excerpt(text, 300);
}

std::string json_string(std::string_view text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace synthgen
