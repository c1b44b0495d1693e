// Batch and file objects of OpenAI's Batch API read leniently where the service sends null (any
// nullable field, a status added later), strictly where a wrong value would send us astray (an id
// that is no string).
#include "synthgen/core/batch_object.hpp"

#include <array>
#include <nlohmann/json.hpp>

namespace synthgen {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::pair<BatchStatus, std::string_view>, 8> status_names{{{BatchStatus::validating, "validating"},
                                                                                {BatchStatus::failed, "failed"},
                                                                                {BatchStatus::in_progress, "in_progress"},
                                                                                {BatchStatus::finalizing, "finalizing"},
                                                                                {BatchStatus::completed, "completed"},
                                                                                {BatchStatus::expired, "expired"},
                                                                                {BatchStatus::cancelling, "cancelling"},
                                                                                {BatchStatus::cancelled, "cancelled"}}};

BatchStatus status_of(std::string_view text) {
  for (const auto& [status, name] : status_names) {
    if (name == text) return status;
  }
  return BatchStatus::unknown;
}

// A member that is missing or null is nothing; a string is itself; anything else is an error.
std::expected<std::optional<std::string>, std::string> optional_string(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return std::unexpected(std::string("its \"") + key + "\" is not a string");
  return it->get<std::string>();
}

// A member that is a non-empty string, else nothing.
std::optional<std::string> nonempty_string(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
  return it->get<std::string>();
}

// A number member, or `fallback` when it is missing, null or no number.
long number_or(const Json& object, const char* key, long fallback) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return fallback;
  return it->is_number_float() ? static_cast<long>(it->get<double>()) : it->get<long>();
}

std::string string_or_empty(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// errors: null, or {"object":"list","data":[{code, line, message, param}, ...]} (data itself nullable).
std::vector<BatchError> errors_of(const Json& batch) {
  std::vector<BatchError> out;
  const auto errors = batch.find("errors");
  if (errors == batch.end() || !errors->is_object()) return out;
  const auto data = errors->find("data");
  if (data == errors->end() || !data->is_array()) return out;
  for (const auto& item : *data) {
    if (!item.is_object()) continue;
    BatchError error{string_or_empty(item, "code"), std::nullopt, string_or_empty(item, "message")};
    if (const auto line = item.find("line"); line != item.end() && line->is_number_integer()) error.line = line->get<long>();
    out.push_back(std::move(error));
  }
  return out;
}

std::expected<Json, std::string> object_of(std::string_view json, std::string_view what) {
  auto doc = Json::parse(json, nullptr, false);
  if (doc.is_discarded()) return std::unexpected("the " + std::string(what) + " is not JSON");
  if (!doc.is_object()) return std::unexpected("the " + std::string(what) + " is not a JSON object");
  return doc;
}

// The first `n` UTF-8 characters of `text` (a character is counted at its lead byte).
std::string first_chars(std::string_view text, std::size_t n) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == n) return std::string(text.substr(0, i));
  }
  return std::string(text);
}

}  // namespace

std::expected<BatchInfo, std::string> parse_batch_object(std::string_view json) {
  const auto doc = object_of(json, "batch object");
  if (!doc) return std::unexpected(doc.error());
  BatchInfo info;
  auto id = nonempty_string(*doc, "id");
  if (!id) return std::unexpected("the batch object has no \"id\"");
  info.id = std::move(*id);
  auto status = nonempty_string(*doc, "status");
  if (!status) return std::unexpected("the batch object " + info.id + " has no \"status\"");
  info.status_text = std::move(*status);
  info.status = status_of(info.status_text);
  std::optional<std::string> input;
  for (auto [key, field] :
       {std::pair{"input_file_id", &input}, {"output_file_id", &info.output_file_id}, {"error_file_id", &info.error_file_id}}) {
    auto value = optional_string(*doc, key);
    if (!value) return std::unexpected("the batch object " + info.id + " is malformed: " + value.error());
    *field = std::move(*value);
  }
  info.input_file_id = input.value_or("");
  if (const auto counts = doc->find("request_counts"); counts != doc->end() && counts->is_object()) {
    info.total = number_or(*counts, "total", 0);
    info.completed = number_or(*counts, "completed", 0);
    info.failed = number_or(*counts, "failed", 0);
  }
  info.errors = errors_of(*doc);
  return info;
}

std::expected<std::string, std::string> parse_file_object(std::string_view json) {
  const auto doc = object_of(json, "file object");
  if (!doc) return std::unexpected(doc.error());
  auto id = nonempty_string(*doc, "id");
  if (!id) return std::unexpected("the file object has no \"id\"");
  return std::move(*id);
}

bool batch_has_ended(BatchStatus status) {
  return status == BatchStatus::completed || status == BatchStatus::expired || status == BatchStatus::cancelled ||
         status == BatchStatus::failed;
}

std::string_view batch_status_name(BatchStatus status) {
  for (const auto& [known, name] : status_names) {
    if (known == status) return name;
  }
  return "unknown";
}

std::string create_batch_body(std::string_view input_file_id, const std::vector<std::pair<std::string, std::string>>& metadata) {
  Json body = {{"input_file_id", input_file_id}, {"endpoint", "/v1/chat/completions"}, {"completion_window", "24h"}};
  if (!metadata.empty()) {
    auto clipped = Json::object();
    for (const auto& [key, value] : metadata) {
      auto short_key = first_chars(key, batch_metadata_key_chars);
      if (clipped.size() == batch_metadata_pairs && !clipped.contains(short_key)) continue;
      clipped[short_key] = first_chars(value, batch_metadata_value_chars);
    }
    body["metadata"] = std::move(clipped);
  }
  // Invalid UTF-8 (a label from a Latin-1 file) becomes U+FFFD rather than an exception.
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace synthgen
