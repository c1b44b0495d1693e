// Each endpoint's token, decided endpoint by endpoint (a pool may mix providers).
#include "synthgen/core/endpoint_tokens.hpp"

#include <algorithm>

#include "synthgen/core/text.hpp"

namespace synthgen {

const std::optional<Token>& RunTokens::first() const {
  static const std::optional<Token> none;
  return endpoints.empty() ? none : endpoints.front();
}

std::vector<std::string> RunTokens::secrets() const {
  std::vector<std::string> values;
  const auto add = [&](const std::optional<Token>& token) {
    if (token && !token->value.empty() && std::ranges::find(values, token->value) == values.end()) values.push_back(token->value);
  };
  add(hub);
  for (const auto& token : endpoints) add(token);
  return values;
}

std::optional<Token> openai_key_for(const std::string& endpoint, const EnvLookup& env) {
  const auto key = env("OPENAI_API_KEY");
  if (!key || key->empty()) return std::nullopt;
  auto base = env("OPENAI_BASE_URL").value_or("");
  while (base.ends_with('/')) base.pop_back();
  const bool openai =
      endpoint.starts_with("https://api.openai.com/") || endpoint == "https://api.openai.com" || (!base.empty() && endpoint == base);
  if (!openai) return std::nullopt;
  return Token{*key, "OPENAI_API_KEY"};
}

std::expected<RunTokens, std::string> resolve_run_tokens(const std::vector<EndpointSpec>& endpoints, std::optional<Token> hub,
                                                         const EnvLookup& env) {
  RunTokens tokens{std::move(hub), {}};
  tokens.endpoints.reserve(endpoints.size());
  for (const auto& endpoint : endpoints) {
    if (endpoint.token_env.empty()) {
      auto key = openai_key_for(endpoint.url, env);
      tokens.endpoints.push_back(key ? std::move(key) : tokens.hub);
      continue;
    }
    const auto value = env(endpoint.token_env);
    const auto trimmed = value ? std::string(trim(*value)) : std::string();
    if (trimmed.empty()) {
      return std::unexpected(endpoint.token_env + (value ? " is empty" : " is not set") + ", and --endpoint " + redact_url(endpoint.url) +
                             " takes its token from it (token_env): set it in the environment or in .env");
    }
    tokens.endpoints.push_back(Token{trimmed, endpoint.token_env});
  }
  return tokens;
}

}  // namespace synthgen
