// Token lookup (wire-formats section 5) and redaction.
#include "synthgen/core/secrets.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

std::optional<std::string> non_empty(std::optional<std::string> value) {
  if (!value) return std::nullopt;
  auto trimmed = std::string(trim(*value));
  if (trimmed.empty()) return std::nullopt;
  return trimmed;
}

std::string token_file_path(const EnvLookup& env) {
  if (auto path = non_empty(env("HF_TOKEN_PATH"))) return *path;
  if (auto home = non_empty(env("HF_HOME"))) return *home + "/token";
  if (auto cache = non_empty(env("XDG_CACHE_HOME"))) return *cache + "/huggingface/token";
  return non_empty(env("HOME")).value_or("") + "/.cache/huggingface/token";
}

bool is_token_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Where a URL's authority ends: at its path, query or fragment, or at a character no URL holds
// (space, control, " < > \\ ^ ` { | }), so a URL inside a sentence is found too. A quote or a bracket may
// be part of a password, so it does not end the authority.
std::size_t authority_end(std::string_view text, std::size_t start) {
  std::size_t end = start;
  while (end < text.size()) {
    const auto c = static_cast<unsigned char>(text[end]);
    if (c <= 0x20 || c == 0x7f || std::string_view("/?#\"<>\\^`{|}").find(static_cast<char>(c)) != std::string_view::npos) break;
    ++end;
  }
  return end;
}

// At "://": the position just after the user-info's '@' when the URL has one, else npos.
std::size_t after_user_info(std::string_view text, std::size_t scheme_sep) {
  const auto start = scheme_sep + 3;
  const auto at = text.substr(start, authority_end(text, start) - start).rfind('@');
  return at == std::string_view::npos ? std::string_view::npos : start + at + 1;
}

constexpr std::string_view mask = "hf_***";

bool is_base64_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/'; }

// At "Basic " followed by base64 (8+ characters, padded to a multiple of 4): where it ends, else
// npos. libcurl sends a URL's user:password that way, and a server may echo the header back.
std::size_t basic_credentials_end(std::string_view text, std::size_t i) {
  if (text.substr(i, 6) != "Basic " && text.substr(i, 6) != "basic ") return std::string_view::npos;
  std::size_t end = i + 6;
  while (end < text.size() && is_base64_char(text[end])) ++end;
  while (end < text.size() && text[end] == '=' && (end - i - 6) % 4 != 0) ++end;
  const auto length = end - i - 6;
  // A word such as "Settings" is base64-shaped too: credentials have a digit, a sign or a capital inside.
  const auto inside = text.substr(i + 7, length > 0 ? length - 1 : 0);
  const bool encoded = std::any_of(inside.begin(), inside.end(), [](char c) { return !std::islower(static_cast<unsigned char>(c)); });
  return length >= 8 && length % 4 == 0 && encoded ? end : std::string_view::npos;
}

}  // namespace

std::optional<Token> find_token(const EnvLookup& env, const FileReader& read_file) {
  for (const char* name : {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
    if (auto value = non_empty(env(name))) return Token{*value, name};
  }
  const auto path = token_file_path(env);
  if (auto value = non_empty(read_file(path))) return Token{*value, path};
  return std::nullopt;
}

std::string redact(std::string_view text, std::string_view secret) { return redact(text, std::vector<std::string>{std::string(secret)}); }

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
  // The longest first: a secret that holds another is masked whole.
  std::vector<std::string_view> masked(secrets.begin(), secrets.end());
  std::erase_if(masked, [](std::string_view secret) { return secret.empty(); });
  std::ranges::sort(masked, [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
  const auto secret_at = [&](std::size_t i) {
    return std::ranges::find_if(masked, [&](std::string_view secret) { return text.substr(i, secret.size()) == secret; });
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (const auto found = secret_at(i); found != masked.end()) {
      out += mask;
      i += found->size();
      continue;
    }
    if (text.substr(i, 3) == "://") {
      if (const auto host = after_user_info(text, i); host != std::string_view::npos) {
        out += "://***@";
        i = host;
        continue;
      }
    }
    if (const auto end = basic_credentials_end(text, i); end != std::string_view::npos) {
      out += "Basic ***";
      i = end;
      continue;
    }
    if (text.substr(i, 3) == "hf_") {
      std::size_t end = i + 3;
      while (end < text.size() && is_token_char(text[end])) ++end;
      if (end - i - 3 >= 20) {
        out += mask;
        i = end;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

std::string redact_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const auto host = after_user_info(url, scheme_end);
  if (host == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, scheme_end + 3)) + "***@" + std::string(url.substr(host));
}

}  // namespace synthgen
