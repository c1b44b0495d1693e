// The dataset viewer API (datasets-server): a /rows page read, and /splits, in the shapes of
// wire-formats section 2 (the pages are asked for by viewer_pages.cpp).
#include <curl/curl.h>

#include <nlohmann/json.hpp>

#include "synthgen/core/text.hpp"
#include "synthgen/io/dataset_source.hpp"
#include "synthgen/io/inference_api.hpp"
#include "synthgen/io/rows_page.hpp"

namespace synthgen {
namespace {

// The page's parts are read in place (find, never value() or a copy): a body is untrusted, and
// value() throws on a type it did not expect while copying a deeply nested value recurses.
const nlohmann::json* member(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string string_member(const nlohmann::json& object, std::string_view key) {
  const auto* value = member(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string{};
}

// A row count or index: absent is `fallback`; present, it must be a whole number >= 0.
std::optional<std::size_t> count_member(const nlohmann::json& object, std::string_view key, std::size_t fallback) {
  const auto* value = member(object, key);
  if (value == nullptr) return fallback;
  if (!value->is_number_unsigned()) return std::nullopt;
  return value->get<std::size_t>();
}

std::expected<PageLayout, std::string> read_features(const nlohmann::json* features, const ColumnNames& columns,
                                                     const std::optional<LabelSet>& labels) {
  if (features == nullptr || !features->is_array()) return std::unexpected("the page has no features");
  std::string names;
  const nlohmann::json* text = nullptr;
  const nlohmann::json* label = nullptr;
  for (const auto& f : *features) {
    const auto name = string_member(f, "name");
    if (name.empty()) continue;
    names += (names.empty() ? "" : ", ") + name;
    if (name == columns.text) text = &f;
    if (name == columns.label) label = &f;
  }
  if (text == nullptr)
    return std::unexpected("the dataset has no column '" + columns.text + "' (columns: " + names + "); set --text-column");
  if (label == nullptr && !columns.label_optional) {
    return std::unexpected("the dataset has no column '" + columns.label + "' (columns: " + names +
                           "); set --label-column, or --labels for unlabeled data");
  }
  PageLayout layout{labels.value_or(sentiment_labels()), false};
  if (label == nullptr) return layout;
  const auto* type = member(*label, "type");
  const auto* class_names = type != nullptr && string_member(*type, "_type") == "ClassLabel" ? member(*type, "names") : nullptr;
  if (class_names != nullptr && class_names->is_array()) {
    layout.labels.names.clear();
    for (const auto& name : *class_names) {
      if (!name.is_string()) return std::unexpected("the ClassLabel column '" + columns.label + "' has a name that is not a string");
      layout.labels.names.push_back(name.get<std::string>());
    }
    layout.class_label = true;
  }
  return layout;
}

// An index is read into a ClassLabel's names, or without --labels into negative/neutral/positive;
// with --labels (and no ClassLabel) a number is a label name, as in a local file.
std::expected<std::optional<LabelId>, std::string> gold_of(const nlohmann::json* cell, const LabelSet& labels, bool numbers_are_names) {
  if (cell == nullptr || cell->is_null()) return std::nullopt;
  if (numbers_are_names && cell->is_number()) {
    if (auto id = labels.find(cell->dump())) return id;
    return std::unexpected("label " + excerpt(cell->dump(), 40) + " is not one of " + labels.joined() +
                           " (with --labels a number is a label name, not an index)");
  }
  if (cell->is_number_integer()) {
    const auto index = cell->get<long long>();
    if (index == -1) return std::nullopt;  // datasets' "no label"
    if (index >= 0 && static_cast<std::size_t>(index) < labels.size()) return static_cast<LabelId>(index);
  } else if (cell->is_string()) {
    if (auto id = labels.find(trim(cell->get_ref<const std::string&>()))) return id;
    return std::unexpected("label '" + excerpt(cell->get<std::string>(), 40) + "' is not one of " + labels.joined());
  }
  // dump() recurses: an array or object is named by its type.
  const auto shown = cell->is_structured() ? std::string("(a JSON ") + cell->type_name() + ")" : excerpt(cell->dump(), 40);
  return std::unexpected("label " + shown + " is not one of " + labels.joined());
}

}  // namespace

std::expected<Page, std::string> parse_rows_page(std::string_view body, const ColumnNames& columns, const std::optional<LabelSet>& labels) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  const auto* rows = member(doc, "rows");
  if (rows == nullptr || !rows->is_array()) return std::unexpected("the /rows page is not in the viewer's shape");
  auto layout = read_features(member(doc, "features"), columns, labels);
  if (!layout) return std::unexpected(layout.error());
  const auto total = count_member(doc, "num_rows_total", 0);
  if (!total) return std::unexpected("the /rows page's num_rows_total is not a row count");
  Page page{*layout, {}, *total};
  for (const auto& item : *rows) {
    const auto index = count_member(item, "row_idx", 0);
    if (!item.is_object() || !index) return std::unexpected("the /rows page has a row that is not in the viewer's shape");
    const auto* row = member(item, "row");
    const auto* text = row != nullptr ? member(*row, columns.text) : nullptr;
    if (text == nullptr || !text->is_string())
      return std::unexpected("row " + std::to_string(*index) + " has no text in '" + columns.text + "'");
    auto gold = gold_of(member(*row, columns.label), page.layout.labels, columns.numbers_are_names && !page.layout.class_label);
    if (!gold) return std::unexpected("row " + std::to_string(*index) + ": " + gold.error());
    page.rows.push_back({*index, text->get<std::string>(), *gold});
  }
  return page;
}

SourceError http_failure(const HttpResponse& r, const std::string& what) {
  if (!r.transport_error.empty()) return {FailureKind::service, what + " could not be reached: " + r.transport_error, 0};
  const auto detail = what + " answered " + std::to_string(r.status) + ": " + service_error_text(r.body);
  if (r.status == 401 || r.status == 403) return {FailureKind::auth, detail, r.status};
  if (r.status == 404 || r.status == 422) return {FailureKind::input, detail, r.status};
  return {FailureKind::service, detail, r.status};
}

std::string url_escape(const std::string& value) {
  std::unique_ptr<char, decltype(&curl_free)> escaped(curl_easy_escape(nullptr, value.c_str(), static_cast<int>(value.size())), curl_free);
  return escaped ? std::string(escaped.get()) : value;
}

std::expected<std::string, SourceError> list_viewer_splits(HttpPool& pool, const ViewerQuery& query, const HeaderList& headers) {
  HttpRequest request;
  request.url = query.server + "/splits?dataset=" + url_escape(query.dataset);
  request.headers = headers;
  const auto response = pool.fetch(std::move(request));
  if (!response.ok()) return std::unexpected(http_failure(response, "the dataset viewer"));
  const auto doc = nlohmann::json::parse(response.body, nullptr, false);
  std::string listed;
  if (doc.is_object() && doc.contains("splits") && doc["splits"].is_array()) {
    for (const auto& s : doc["splits"]) {
      const auto config = string_member(s, "config");
      const auto split = string_member(s, "split");
      listed += (listed.empty() ? "" : ", ") + (config.empty() ? "?" : config) + "/" + (split.empty() ? "?" : split);
    }
  }
  return listed;
}

}  // namespace synthgen
