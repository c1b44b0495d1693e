// The wire format table's factories, and the headers every inference request carries.
#include "synthgen/io/inference_api.hpp"

namespace synthgen {

std::unique_ptr<InferenceApi> make_inference_api(ApiKind kind, const std::string& endpoint) {
  switch (kind) {  // no default: a new ApiKind without a factory does not compile (-Wswitch)
    case ApiKind::openai: return make_openai_chat_api(endpoint);
    case ApiKind::tgi: return make_text_generation_api(endpoint);
  }
  throw std::logic_error("an ApiKind out of range");
}

std::vector<std::string> request_headers(const InferenceApi& api) {
  // "Expect:" stops libcurl 7.x from waiting for a 100-continue before every body over 1 KiB.
  std::vector<std::string> headers{"Content-Type: application/json", "Accept: application/json", "Expect:"};
  for (auto& h : api.extra_headers()) headers.push_back(std::move(h));
  return headers;
}

}  // namespace synthgen
