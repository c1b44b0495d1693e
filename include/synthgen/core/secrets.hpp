// Finding the Hugging Face token as huggingface_hub does, and keeping it out of every text a
// person or a file could see.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace synthgen {

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;

struct Token {
  std::string value;
  std::string origin;  // "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN" or the token file's path
};

// HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then the file $HF_TOKEN_PATH (default $HF_HOME/token,
// HF_HOME default $XDG_CACHE_HOME/huggingface or ~/.cache/huggingface). Surrounding space, CR and LF
// are stripped; an empty token is no token.
std::optional<Token> find_token(const EnvLookup& env, const FileReader& read_file);

// `text` with every occurrence of `secret`, and anything shaped like a Hugging Face token
// (hf_ followed by 20+ letters or digits), replaced by "hf_***", and the user-info of every URL in
// it (`http://user:password@host` -> `http://***@host`) dropped, as are the base64 credentials
// of an echoed `Authorization: Basic ...` header (what libcurl makes of that user-info).
std::string redact(std::string_view text, std::string_view secret);
// The same with every one of `secrets` masked (a pool's endpoints may each have a token).
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

// A URL with any user:password@ part replaced by ***@, for logs and error messages.
std::string redact_url(std::string_view url);

}  // namespace synthgen
