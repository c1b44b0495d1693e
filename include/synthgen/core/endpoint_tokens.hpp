// Which bearer token each inference endpoint of a run sends, and the Hugging Face token the Hub
// takes: chosen per endpoint from the environment, with the lookup passed in (core reads no variable).
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "synthgen/core/run_config.hpp"
#include "synthgen/core/secrets.hpp"

namespace synthgen {

struct RunTokens {
  std::optional<Token> hub;                     // the Hugging Face token: the Hub, the dataset viewer, --push-to-hub
  std::vector<std::optional<Token>> endpoints;  // each endpoint's, in the order of RunConfig::endpoints

  // The first endpoint's: its model list, the batch commands.
  [[nodiscard]] const std::optional<Token>& first() const;
  // Every token's value, each once: what the log and the error lines redact.
  [[nodiscard]] std::vector<std::string> secrets() const;
};

// OpenAI's own endpoint (or the one OPENAI_BASE_URL names) takes OPENAI_API_KEY, when it is set.
std::optional<Token> openai_key_for(const std::string& endpoint, const EnvLookup& env);

// Each endpoint's token: its token_env's variable (unset or empty: an error naming it and the
// endpoint), else OPENAI_API_KEY for OpenAI's endpoint, else `hub`, the Hugging Face token.
std::expected<RunTokens, std::string> resolve_run_tokens(const std::vector<EndpointSpec>& endpoints, std::optional<Token> hub,
                                                         const EnvLookup& env);

}  // namespace synthgen
