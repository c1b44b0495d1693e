// The typed, validated settings of one labeling run. Built from the merged Settings; a bad value
// is a usage error that names the option, the bad value and what it accepts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "synthgen/core/dataset_text.hpp"
#include "synthgen/core/hub_repo.hpp"
#include "synthgen/core/label_parser.hpp"
#include "synthgen/core/settings.hpp"
#include "synthgen/core/shard.hpp"
#include "synthgen/core/test_split.hpp"

namespace synthgen {

enum class ApiKind { openai, tgi };

// --progress: auto (redrawn on a terminal, plain lines elsewhere, none with --quiet), json or off.
enum class ProgressMode { automatic, json, off };

struct GenerationParams {
  std::string model;
  double temperature = 0.8;
  double top_p = 0.9;
  int max_tokens = 128;
};

// One inference endpoint of the pool: its base URL, the most requests it may have in flight, and
// where its token is (`URL#c=N,token_env=NAME`).
struct EndpointSpec {
  std::string url;
  int concurrency = 64;   // its `c=N`, else --concurrency
  std::string token_env;  // its `token_env=NAME`: the environment variable holding its token; empty: the usual token
};

struct RunConfig {
  // Where the rows come from.
  std::string dataset;
  std::string subset;
  std::string split;
  std::string input_file;  // "-": standard input
  InputFormat input_format = InputFormat::by_extension;
  ColumnNames columns;
  std::vector<std::string> labels;  // --labels; empty: the dataset's ClassLabel names, else negative/neutral/positive
  std::size_t n_sample = 0;
  std::uint64_t seed = 42;
  TestSize test_size;  // --test-size: a held-out test split of the sample (off: every row trains)
  // What is asked.
  std::string prompt_name;
  std::string prompt_file;
  AnswerFormat answer_format = AnswerFormat::json_object;
  ParserKind parser = ParserKind::strict;
  int votes = 3;
  bool early_stop = true;  // ask for a row's further votes only while its majority is open
  // Where and how it is asked.
  ApiKind api = ApiKind::openai;
  std::string endpoint;                 // the first of `endpoints`: model list, batch commands
  std::vector<EndpointSpec> endpoints;  // --endpoint, each time it is given (one or more), in order
  GenerationParams generation;
  int concurrency = 64;
  long connect_timeout_ms = 10000;
  long timeout_ms = 120000;
  std::size_t max_response_bytes = 1u << 20;  // an inference answer's body, decoded: memory stays bounded whatever a server sends
  std::string ca_bundle;                      // empty: the system's CA store
  int max_retries = 5;
  long max_retry_wait_ms = 60000;
  // The response store; empty path: the default location.
  std::string cache_path;
  bool use_cache = true;
  bool offline = false;  // HF_HUB_OFFLINE: rows from the download cache, answers from the store
  std::string datasets_server;
  std::string hub_endpoint;
  // What is written; "-" is standard output (for one of them at most).
  std::string output;
  std::string test_output;  // --test-output; with --test-size, default_test_output(output) when not given
  std::string metrics_json;
  std::string details;
  std::string html_report;
  bool with_confidence = false;
  // For CI: quality floors, and a spending ceiling.
  double min_accuracy = 0;
  double min_macro_f1 = 0;
  std::size_t max_requests = 0;  // 0: no limit
  double price_per_mtok = 0;
  double max_cost = 0;  // 0: no limit
  // --shard: "" (the whole run), "K/N" or "auto" (resolved from the scheduler's variables by the caller).
  std::string shard_text;
  ShardSpec shard;
  // --push-to-hub: publish the outputs as a dataset repo after a good run.
  std::optional<HubRepoId> push_to_hub;
  bool private_repo = false;
  std::string revision = "main";
  std::string license;  // --license, else the source's (known_license)
  // Batch engines (`synthgen batch ...`).
  std::string batch_out;
  std::size_t batch_max_requests = 50000;   // 0: no limit
  std::size_t batch_max_bytes = 200000000;  // 0: no limit
  bool wait = false;
  long poll_interval_ms = 30000;
  std::string log_level;
  bool quiet = false;
  ProgressMode progress = ProgressMode::automatic;
  bool print_report = true;
  // What the conversion decided on the user's behalf, for an info line each (core does not log).
  std::vector<std::string> notes;
};

std::expected<RunConfig, std::string> make_run_config(const Settings& settings);

// df_test.csv beside --output (in its directory).
std::string default_test_output(const std::string& output);

// The most requests in flight over the whole run: the endpoints' concurrencies together
// (--concurrency when the config names no endpoint).
int in_flight_ceiling(const RunConfig& config);

// Whether --output, --details, --metrics-json or --report is standard output ("-" or /dev/stdout):
// then the printed report goes to stderr, so as not to mix into it.
bool writes_to_stdout(const RunConfig& config);

}  // namespace synthgen
