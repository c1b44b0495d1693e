// Batch request and result lines, written and read with nlohmann-json (a result line is read as a
// DOM: it holds one answer, a few KiB).
#include "synthgen/core/batch_line.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "synthgen/core/json_text.hpp"

namespace synthgen {
namespace {

// A chat completion as vLLM's first release wrote it: the body itself where the wrapper goes.
bool looks_like_completion(const nlohmann::json& response) {
  return response.contains("choices") || (response.contains("object") && response["object"] == "chat.completion");
}

void read_error(const nlohmann::json& error, BatchResultLine& out) {
  if (error.is_null()) return;
  if (error.is_string()) {
    out.error = "error";
    out.error_message = error.get<std::string>();
    return;
  }
  if (!error.is_object()) throw std::invalid_argument("\"error\" is neither null, a string nor an object");
  // OpenAI: a string code; vLLM's ErrorResponse ({"object": "error", "type", "code": 400}): a number.
  const auto code = error.value("code", nlohmann::json());
  const auto type = error.value("type", nlohmann::json());
  if (code.is_string() && !code.get<std::string>().empty()) {
    out.error = code.get<std::string>();
  } else if (code.is_number_integer()) {
    out.error = "http_" + std::to_string(code.get<long>());
  } else if (type.is_string() && !type.get<std::string>().empty()) {
    out.error = type.get<std::string>();
  } else {
    out.error = "error";
  }
  const auto message = error.value("message", nlohmann::json());
  if (message.is_string()) out.error_message = message.get<std::string>();
}

void read_response(const nlohmann::json& response, BatchResultLine& out) {
  if (response.is_null()) return;
  if (!response.is_object()) throw std::invalid_argument("\"response\" is neither null nor an object");
  if (!response.contains("status_code") && looks_like_completion(response)) {
    out.status = 200;
    out.body = response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  const auto status = response.value("status_code", nlohmann::json());
  if (!status.is_number_integer()) throw std::invalid_argument("\"response\" has no whole-number \"status_code\"");
  out.status = status.get<long>();
  const auto body = response.value("body", nlohmann::json());
  if (!body.is_null()) out.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // A request that got no HTTP answer (status 0, seen in error files) says why in its body, if anywhere.
  if (out.status == 0) {
    if (body.is_object() && body.contains("error")) read_error(body["error"], out);
    if (out.error.empty()) out.error = "no_status";
  }
}

}  // namespace

std::string batch_custom_id(std::size_t row_index, int vote, const StoreKey& key) {
  return fmt::format("row{}-vote{}-{}", row_index, vote, key_hex(key));
}

std::optional<StoreKey> key_of_custom_id(std::string_view custom_id) {
  const auto dash = custom_id.rfind('-');
  if (dash == std::string_view::npos || !custom_id.starts_with("row")) return std::nullopt;
  return key_from_hex(custom_id.substr(dash + 1));
}

std::string batch_request_line(std::string_view custom_id, std::string_view body) {
  std::string line;
  line.reserve(body.size() + custom_id.size() + 96);
  line += R"({"custom_id":)";
  append_json_string(line, custom_id);
  line += R"(,"method":"POST","url":")";
  line += batch_chat_path;
  line += R"(","body":)";
  line += body;
  line += "}\n";
  return line;
}

std::expected<BatchResultLine, std::string> parse_batch_result_line(std::string_view line) {
  try {
    const auto json = nlohmann::json::parse(line);
    if (!json.is_object()) return std::unexpected("not a JSON object");
    const auto id = json.value("custom_id", nlohmann::json());
    if (!id.is_string() || id.get<std::string>().empty()) return std::unexpected("no \"custom_id\" string");
    BatchResultLine out;
    out.custom_id = id.get<std::string>();
    read_response(json.value("response", nlohmann::json()), out);
    if (const auto error = json.value("error", nlohmann::json()); !error.is_null()) {
      out.error.clear();  // the line's own error says more than a status-0 body
      read_error(error, out);
    }
    if (out.status == 0 && out.error.empty()) return std::unexpected("neither a \"response\" with a status nor an \"error\"");
    return out;
  } catch (const nlohmann::json::exception& e) {
    return std::unexpected(std::string("not JSON: ") + e.what());
  } catch (const std::invalid_argument& e) {
    return std::unexpected(e.what());
  }
}

}  // namespace synthgen
