// Where rows come from: the dataset viewer's /rows pages, the PhraseBank zip on the Hub, or a local
// file. Every loader returns the rows with their label set, or a SourceError saying whose fault it is.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "synthgen/core/dataset_text.hpp"
#include "synthgen/core/labels.hpp"
#include "synthgen/io/http_pool.hpp"

namespace synthgen {

// A dataset read whole (a local file, the PhraseBank zip, the download cache).
struct Dataset {
  LabelSet labels;
  std::vector<Row> rows;    // by increasing index
  std::string description;  // for the user: where the rows were read from
  std::size_t total = 0;    // rows in the split: rows.size(), or more when only a sample was kept
  std::string sha256;       // of the bytes read (a local file, the zip); empty for the download cache
};

enum class FailureKind { input, auth, service };

struct SourceError {
  FailureKind kind = FailureKind::service;
  std::string message;
  long status = 0;  // the HTTP status, when the failure was an HTTP answer
};

// Maps a failed HTTP exchange to a SourceError: 401/403 auth, 404/422 input, the rest service.
SourceError http_failure(const HttpResponse& response, const std::string& what);

struct ViewerQuery {
  std::string server;  // e.g. https://datasets-server.huggingface.co
  std::string dataset;
  std::string config;
  std::string split;
  ColumnNames columns;
  std::optional<LabelSet> labels;  // --labels: the set for string labels (a ClassLabel keeps its names)
};

// A value made safe inside a URL's query.
std::string url_escape(const std::string& value);

// The configs and splits the viewer lists for a dataset ("config/split, ..."), for error messages.
std::expected<std::string, SourceError> list_viewer_splits(HttpPool& pool, const ViewerQuery& query, const HeaderList& headers);

// Financial PhraseBank from the Hub file FinancialPhraseBank-v1.0.zip.
bool is_phrasebank(const std::string& dataset);
std::vector<std::string> phrasebank_subsets();
std::expected<Dataset, SourceError> load_phrasebank_zip(HttpPool& pool, const std::string& hub_endpoint, const std::string& subset,
                                                        const HeaderList& headers);

// The bytes of one member of a zip archive held in memory.
std::expected<std::string, std::string> read_zip_member(const std::string& archive, const std::string& member);

// A local .jsonl or .csv file ("-": standard input), in `format` or as its extension says.
std::expected<Dataset, SourceError> load_local_file(const std::string& path, InputFormat format, const ColumnNames& columns,
                                                    const LabelSet& labels);

// A row's gold label re-expressed from `source` in `target` (--labels), by name; a gold name not
// in `target` is an error.
std::expected<void, std::string> relabel(Row& row, const LabelSet& source, const LabelSet& target);

}  // namespace synthgen
