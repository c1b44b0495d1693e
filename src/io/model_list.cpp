// The model list of an OpenAI-compatible endpoint (GET /v1/models), read into its ids.
#include "synthgen/io/model_list.hpp"

#include <nlohmann/json.hpp>

#include "synthgen/io/inference_api.hpp"

namespace synthgen {
namespace {

// A list bigger than any real endpoint's (the HF router serves a few hundred models).
constexpr std::size_t max_list_bytes = std::size_t{8} << 20;

}  // namespace

std::expected<std::vector<std::string>, std::string> read_model_list(std::string_view body) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  const auto data = doc.is_object() ? doc.find("data") : doc.end();
  if (!doc.is_object() || data == doc.end() || !data->is_array()) return std::unexpected("not a model list (no \"data\" array)");
  std::vector<std::string> ids;
  for (const auto& model : *data) {
    if (!model.is_object()) continue;
    if (const auto id = model.find("id"); id != model.end() && id->is_string() && !id->get<std::string>().empty())
      ids.push_back(id->get<std::string>());
  }
  return ids;
}

std::expected<std::vector<std::string>, std::string> fetch_model_list(HttpPool& pool, std::string_view endpoint,
                                                                      const HeaderList& headers) {
  while (endpoint.ends_with('/')) endpoint.remove_suffix(1);
  HttpRequest request;
  request.url = std::string(endpoint) + "/models";
  request.headers = headers;
  request.max_body_bytes = max_list_bytes;
  const auto response = pool.fetch(std::move(request));
  if (!response.transport_error.empty()) return std::unexpected(response.transport_error);
  if (!response.ok()) return std::unexpected("answered " + std::to_string(response.status) + ": " + service_error_text(response.body));
  return read_model_list(response.body);
}

}  // namespace synthgen
