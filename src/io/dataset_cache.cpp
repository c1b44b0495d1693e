// Cached datasets as JSONL: a header line with the labels and the source, then one line per row.
#include "synthgen/io/dataset_cache.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "synthgen/core/text.hpp"
#include "synthgen/io/files.hpp"

namespace synthgen {
namespace {

// A file-name-safe rendering of a dataset id, config or column name.
std::string safe(std::string_view text) {
  std::string out;
  for (const char c : text) out += (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.') ? c : '_';
  return out;
}

// Creates `dir` and its missing parents, each new one owner-only (0700).
std::expected<void, std::string> make_private_directories(const std::filesystem::path& dir) {
  std::error_code ec;
  if (dir.empty() || std::filesystem::is_directory(dir, ec)) return {};
  if (auto made = make_private_directories(dir.parent_path()); !made) return made;
  if (!std::filesystem::create_directory(dir, ec) && ec) return std::unexpected("cannot create " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  return {};
}

}  // namespace

std::string dataset_cache_path(const std::string& cache_dir, const RunConfig& c) {
  // A shard keeps its own rows: its tasks may share the cache directory.
  const auto shard = c.shard.sharded() ? "-shard-" + std::to_string(c.shard.index) + "-of-" + std::to_string(c.shard.count) : std::string();
  return cache_dir + "/datasets/" + safe(c.dataset) + "/" + safe(c.subset) + "-" + safe(c.split) + "-" + safe(c.columns.text) + "-" +
         safe(c.columns.label) + shard + ".jsonl";
}

std::expected<DatasetCacheWriter, std::string> DatasetCacheWriter::create(const std::string& path, const LabelSet& labels,
                                                                          const std::string& description, std::size_t total) {
  const auto dir = std::filesystem::path(path).parent_path();
  if (auto made = make_private_directories(dir); !made) return std::unexpected(made.error());
  // The rows may be a private dataset's: owner only, as the response store.
  auto file = AtomicFile::create(path, FileAccess::owner_only);
  if (!file) return std::unexpected(file.error());
  file->append(nlohmann::json{{"labels", labels.names}, {"description", description}, {"total", total}}.dump() + "\n");
  return DatasetCacheWriter(std::move(*file));
}

void DatasetCacheWriter::add(const Row& row) {
  nlohmann::json line{{"i", row.index}, {"t", row.text}};
  if (row.gold) line["g"] = *row.gold;
  file_.append(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

std::expected<void, std::string> save_dataset(const std::string& path, const Dataset& dataset) {
  auto writer = DatasetCacheWriter::create(path, dataset.labels, dataset.description, dataset.total);
  if (!writer) return std::unexpected(writer.error());
  for (const auto& row : dataset.rows) writer->add(row);
  return writer->commit();
}

std::optional<Dataset> load_cached_dataset(const std::string& path) {
  const auto text = read_file(path);
  if (!text) return std::nullopt;
  const auto lines = split_lines(*text);
  if (lines.empty()) return std::nullopt;
  const auto header = nlohmann::json::parse(lines.front(), nullptr, false);
  if (!header.is_object() || !header.contains("labels") || !header["labels"].is_array()) return std::nullopt;
  Dataset dataset{LabelSet{header["labels"].get<std::vector<std::string>>()},
                  {},
                  header.value("description", std::string{}) + ", from the download cache",
                  0,
                  {}};  // no checksum: not the bytes first read
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto line = nlohmann::json::parse(lines[i], nullptr, false);
    if (!line.is_object() || !line.contains("t") || !line["t"].is_string()) return std::nullopt;
    Row row{line.value("i", std::size_t{0}), line["t"].get<std::string>(), std::nullopt};
    if (line.contains("g") && line["g"].is_number_integer()) row.gold = line["g"].get<LabelId>();
    dataset.rows.push_back(std::move(row));
  }
  // A cache without a row count (an older synthgen's) held every row.
  const auto total = header.contains("total") && header["total"].is_number_unsigned() ? header["total"].get<std::size_t>() : 0;
  dataset.total = std::max(total, dataset.rows.size());
  return dataset;
}

}  // namespace synthgen
