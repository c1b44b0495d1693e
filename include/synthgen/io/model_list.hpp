// GET {endpoint}/models: the models an OpenAI-compatible endpoint serves, to name a few when the
// run's --model is unknown there.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "synthgen/io/http_pool.hpp"

namespace synthgen {

// The ids of OpenAI's list shape {"object":"list","data":[{"id":"..."},...]}, in the served order.
std::expected<std::vector<std::string>, std::string> read_model_list(std::string_view body);

// Asks `endpoint` (e.g. https://router.huggingface.co/v1) for its models through `pool`, with the
// run's own headers; the error says why there is no list.
std::expected<std::vector<std::string>, std::string> fetch_model_list(HttpPool& pool, std::string_view endpoint, const HeaderList& headers);

}  // namespace synthgen
