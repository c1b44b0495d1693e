// Error bodies of the HF services and OpenAI-compatible servers, reduced to one line of text; an
// HTML page (a proxy's or Cloudflare's 502/504) to its title or its first words.
#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>

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

bool looks_like_html(std::string_view body) {
  const auto head = to_lower_ascii(trim(body).substr(0, 512));
  return head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<head") ||
         (head.starts_with("<") && head.find("<title") != std::string::npos);
}

constexpr std::pair<std::string_view, std::string_view> entities[] = {{"&amp;", "&"},   {"&lt;", "<"},  {"&gt;", ">"},
                                                                      {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};

// Whitespace runs as one space, a few entities decoded: enough for a title or a sentence.
std::string plain_words(std::string_view text) {
  std::string out;
  bool space = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = text[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    bool decoded = false;
    for (const auto& [entity, plain] : entities) {
      if (text.substr(i).starts_with(entity)) {
        out += plain;
        i += entity.size() - 1;
        decoded = true;
        break;
      }
    }
    if (!decoded) out += c;
  }
  return out;
}

// The page's <title>, else its text without tags, scripts, styles and comments.
std::string html_page_text(std::string_view page) {
  const auto lower = to_lower_ascii(page);
  if (const auto open = lower.find("<title"); open != std::string::npos) {
    const auto start = lower.find('>', open);
    const auto end = start == std::string::npos ? start : lower.find("</title", start);
    if (end != std::string::npos) {
      auto title = plain_words(page.substr(start + 1, end - start - 1));
      if (!title.empty()) return title;
    }
  }
  std::string text;
  for (std::size_t i = 0; i < page.size();) {
    if (page[i] != '<') {
      text += page[i++];
      continue;
    }
    std::string_view closing = ">";
    if (lower.compare(i, 4, "<!--") == 0) closing = "-->";
    if (lower.compare(i, 7, "<script") == 0) closing = "</script>";
    if (lower.compare(i, 6, "<style") == 0) closing = "</style>";
    const auto end = lower.find(closing, i);
    if (end == std::string::npos) break;
    i = end + closing.size();
    text += ' ';
  }
  return plain_words(text);
}

}  // namespace

std::string service_error_text(std::string_view body) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() && looks_like_html(body)) {
    auto page = html_page_text(body);
    return page.empty() ? "an HTML page without text" : excerpt(page, 160);
  }
  auto text = doc.is_discarded() ? std::string(body) : message_of(doc);
  if (text.empty()) text = std::string(body);
  return excerpt(text, 300);
}

std::string json_string(std::string_view text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace synthgen
