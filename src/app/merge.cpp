// The merge: check the parts, then replay their rows in shard order through RunOutputs.
#include "synthgen/app/merge.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "synthgen/app/run_outputs.hpp"
#include "synthgen/app/shard_part.hpp"
#include "synthgen/app/steps.hpp"
#include "synthgen/core/random.hpp"
#include "synthgen/core/report.hpp"
#include "synthgen/io/files.hpp"

namespace synthgen {
namespace {

std::string part_file(const std::string& given) {
  const auto suffix = shard_part_path("");
  return given.ends_with(suffix) ? given : shard_part_path(given);
}

std::vector<ShardPartReader> open_parts(const std::vector<std::string>& given) {
  std::vector<ShardPartReader> parts;
  for (const auto& path : given) {
    auto part = ShardPartReader::open(part_file(path));
    if (!part) throw RunError(ExitCode::input, part.error());
    parts.push_back(std::move(*part));
  }
  return parts;
}

// All N shards of one run, each once: else an input error naming the part.
void check_one_run(std::vector<ShardPartReader>& parts) {
  if (parts.empty()) throw RunError(ExitCode::usage, "merge needs the parts of the shards: synthgen merge --output FILE PART...");
  const auto& first = parts.front().header();
  for (const auto& part : parts) {
    const auto& h = part.header();
    if (h.fingerprint != first.fingerprint || h.shard.count != first.shard.count || h.sample_size != first.sample_size)
      throw RunError(ExitCode::input, fmt::format("{} is a shard of another run than {} (other flags, prompt or data): merge the parts "
                                                  "of one run",
                                                  part.path(), parts.front().path()));
  }
  std::ranges::sort(parts, {}, [](const ShardPartReader& p) { return p.header().shard.index; });
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].header().shard.index == parts[i - 1].header().shard.index)
      throw RunError(ExitCode::input, fmt::format("{} and {} are both shard {} of {}: give each shard once", parts[i - 1].path(),
                                                  parts[i].path(), parts[i].header().shard.index, first.shard.count));
  }
  for (std::size_t k = 0; k < first.shard.count; ++k) {
    if (k >= parts.size() || parts[k].header().shard.index != k)
      throw RunError(ExitCode::input, fmt::format("shard {} of {} is missing: run it (--shard {}/{}) and give its part too", k,
                                                  first.shard.count, k, first.shard.count));
    const auto expected = shard_range(first.sample_size, first.shard.count == 0 ? ShardSpec{} : ShardSpec{k, first.shard.count});
    if (parts[k].header().first != expected.first || parts[k].header().last != expected.last)
      throw RunError(ExitCode::input, parts[k].path() + " does not hold its shard's rows: run that shard again");
  }
}

RunConfig merged_config(const RunConfig& config, const ShardHeader& h) {
  auto merged = config;
  merged.seed = h.seed;  // tie-breaks
  merged.with_confidence = h.with_confidence;
  merged.answer_format = h.answer_format;
  merged.test_size = h.test_size;  // which rows are test rows: each row of a part says
  if (merged.test_size.on() && merged.test_output.empty()) merged.test_output = default_test_output(merged.output);
  merged.shard_text.clear();
  merged.shard = {};
  return merged;
}

}  // namespace

ExitCode run_merge(const RunConfig& config, const std::vector<std::string>& given, WrittenFiles& written) {
  auto parts = open_parts(given);
  check_one_run(parts);
  const auto& h = parts.front().header();
  std::vector<FileRole> roles{
      {"--output", config.output},
      {"--details", config.details},
      {"--metrics-json", config.metrics_json},
      {"--report", config.html_report},
      {"--test-output", h.test_size.on() && config.test_output.empty() ? default_test_output(config.output) : config.test_output}};
  for (const auto& part : parts) roles.push_back({"a part", part.path(), true});
  for (const auto& path : given) {  // a shard's own --output, named instead of its part: not to be written over either
    if (path != part_file(path)) roles.push_back({"a shard's output", path, true});
  }
  if (auto shared = shared_file(roles)) throw RunError(ExitCode::usage, *shared);
  const auto merged = merged_config(config, h);
  LabelSet labels{h.labels};
  auto sample = select_rows(h.total, h.n_sample, h.seed);
  if (sample.sample_size() != h.sample_size)
    throw RunError(ExitCode::input, parts.front().path() + " does not agree with its own sample size: run the shards again");
  RunOutputs outputs(merged, labels, sample);
  RequestCounts counts;
  double wall_s = 0;
  double request_wall_s = 0;
  for (auto& part : parts) {
    for (;;) {
      auto row = part.next_row();
      if (!row) throw RunError(ExitCode::input, row.error());
      if (*row == nullptr) break;
      outputs.take((*row)->view(), (*row)->test);
    }
    counts += part.trailer().counts;
    wall_s = std::max(wall_s, part.trailer().wall_s);
    request_wall_s = std::max(request_wall_s, part.trailer().request_wall_s);
  }
  auto summary = summarize(outputs.tally(), h.source, counts);
  summary.wall_s = wall_s;  // the shards ran side by side: the longest
  summary.request_wall_s = request_wall_s;
  summary.provenance = h.provenance;
  if (!summary.provenance.empty()) summary.provenance.created = utc_timestamp();  // the merged outputs' own time
  outputs.add_split_figures(summary);
  outputs.commit(summary, written);
  spdlog::info("merged {} shards: wrote {} labeled rows to {}", parts.size(), summary.labeled, output_name(config.output));
  if (config.print_report) std::fputs(format_report(summary, labels).c_str(), writes_to_stdout(config) ? stderr : stdout);
  if (summary.counts.failed_requests > 0)
    throw RunError(ExitCode::incomplete, fmt::format("{} votes of the shards failed after retries; the merged outputs lack them: run the "
                                                     "shards that exited 9 again, then merge",
                                                     summary.counts.failed_requests));
  return ExitCode::ok;
}

}  // namespace synthgen
