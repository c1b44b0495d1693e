// What a shard leaves beside its outputs for `synthgen merge`: OUTPUT.shard.jsonl, a header line
// (shard K/N, the run's fingerprint, its range of the sample, what deciding a row needs), one line
// per row with its votes and answers, and a trailer with the shard's request counts. The merge
// replays the rows through the same outputs as a run, so its files are the unsharded run's.
#pragma once

#include <cstdint>
#include <expected>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "synthgen/core/labeling.hpp"
#include "synthgen/core/prompt.hpp"
#include "synthgen/core/provenance.hpp"
#include "synthgen/core/report.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/io/files.hpp"

namespace synthgen {

struct ShardHeader {
  ShardSpec shard;
  std::string fingerprint;  // the same for every shard of one run (flags, prompt and data)
  std::size_t first = 0;    // the shard's positions in the sample: [first, last)
  std::size_t last = 0;
  std::size_t sample_size = 0;
  std::size_t total = 0;  // rows in the split
  std::size_t n_sample = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> labels;
  bool with_confidence = false;
  AnswerFormat answer_format = AnswerFormat::json_object;
  std::string source;  // the feed's description
  TestSize test_size;  // the run's --test-size: each row says whether it is a test row
  Provenance provenance;
};

struct ShardTrailer {
  RequestCounts counts;
  double wall_s = 0;
  double request_wall_s = 0;
};

// "part-3.csv" -> "part-3.csv.shard.jsonl".
std::string shard_part_path(const std::string& output);

// The fingerprint of what makes the labels: the source and its size, the sample, the prompt, the
// model and its parameters, the voting and the parser.
std::string run_fingerprint(const RunConfig& config, const PromptTemplate& prompt, std::size_t total_rows);

// Writes the part as the rows are decided; it is committed with the run's other outputs.
class ShardPartWriter {
 public:
  ShardPartWriter(const std::string& path, const ShardHeader& header);
  void add(const RowVotes& row, bool in_test = false);
  void finish(const ShardTrailer& trailer);
  AtomicFile& file() { return file_; }

 private:
  AtomicFile file_;
};

// A row as the part holds it, with the storage RowVotes points into.
struct StoredRow {
  Row row;
  std::vector<std::optional<LabelId>> votes;
  std::vector<VoteStatus> status;
  std::vector<std::string> answers;
  bool test = false;  // in the held-out test split (--test-size)
  [[nodiscard]] RowVotes view() const { return RowVotes{row, votes, status, answers}; }
};

// Reads a part line by line: the header at open, then the rows, then the trailer.
class ShardPartReader {
 public:
  static std::expected<ShardPartReader, std::string> open(const std::string& path);
  [[nodiscard]] const ShardHeader& header() const { return header_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  // The next row (valid until the next call); null once the trailer is reached (then trailer() has
  // it). An error names the file and line.
  std::expected<const StoredRow*, std::string> next_row();
  [[nodiscard]] const ShardTrailer& trailer() const { return trailer_; }

 private:
  std::string path_;
  std::unique_ptr<std::ifstream> in_;
  std::size_t line_ = 1;
  ShardHeader header_;
  ShardTrailer trailer_;
  StoredRow row_;
};

}  // namespace synthgen
