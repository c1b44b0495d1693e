// A request body as constant text around the prompt and the seed: the constant parts are rendered
// once per set of generation parameters, and each vote's body is one reserved string.
#pragma once

#include <charconv>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "synthgen/core/json_text.hpp"
#include "synthgen/core/run_config.hpp"

namespace synthgen {

// The constant text around the escaped prompt and the seed.
struct BodyParts {
  std::string before_prompt;
  std::string before_seed;
  std::string after_seed;
};

class BodyTemplate {
 public:
  // The parts with the prompt escaped for JSON and the seed in decimal between them. `render` makes
  // the parts for parameters not seen last time: every vote of a run has the same, so it runs once.
  template <class Render>
  [[nodiscard]] std::string body(const GenerationParams& params, std::string_view prompt, std::uint32_t seed, Render render) const {
    const std::lock_guard lock(mutex_);  // request_body is const, so callers may share one API object
    if (!rendered_ || !same_params(params)) {
      parts_ = render(params);
      params_ = params;
      rendered_ = true;
    }
    std::string body;
    body.reserve(parts_.before_prompt.size() + json_string_capacity(prompt) + parts_.before_seed.size() + 10 + parts_.after_seed.size());
    body += parts_.before_prompt;
    append_json_escaped(body, prompt);
    body += parts_.before_seed;
    char digits[10];
    body.append(digits, std::to_chars(digits, digits + sizeof digits, seed).ptr);
    body += parts_.after_seed;
    return body;
  }

 private:
  [[nodiscard]] bool same_params(const GenerationParams& p) const {
    return p.model == params_.model && p.temperature == params_.temperature && p.top_p == params_.top_p &&
           p.max_tokens == params_.max_tokens;
  }

  mutable std::mutex mutex_;
  mutable bool rendered_ = false;
  mutable GenerationParams params_;
  mutable BodyParts parts_;
};

}  // namespace synthgen
