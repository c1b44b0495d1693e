// The run: check -> open the rows -> stream rows, votes and decided labels through one HTTP pool
// -> commit the outputs -> report -> publish (--push-to-hub).
#include "synthgen/app/pipeline.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "synthgen/app/collect_votes.hpp"
#include "synthgen/app/publish.hpp"
#include "synthgen/app/row_feed.hpp"
#include "synthgen/app/run_outputs.hpp"
#include "synthgen/app/steps.hpp"
#include "synthgen/core/report.hpp"
#include "synthgen/core/request_budget.hpp"
#include "synthgen/core/secrets.hpp"
#include "synthgen/io/batch_ledger.hpp"
#include "synthgen/io/environment.hpp"
#include "synthgen/io/files.hpp"
#include "synthgen/io/interrupt.hpp"

namespace synthgen {
namespace {

std::string host_of(const std::string& url) {
  const auto start = url.find("://");
  if (start == std::string::npos) return {};
  auto host = url.substr(start + 3, url.find_first_of("/:?#", start + 3) - start - 3);
  if (const auto at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  return host;
}

// The same file as --input and --output, or as two outputs, would be overwritten or lost.
void check_one_role_per_file(const RunConfig& config) {
  const FileRole roles[] = {{"--input", config.input_file, true}, {"--output", config.output},
                            {"--details", config.details},        {"--metrics-json", config.metrics_json},
                            {"--report", config.html_report},     {"--cache", response_store_path(config)},
                            {"--test-output", config.test_output}};
  if (auto shared = shared_file(roles)) throw RunError(ExitCode::usage, *shared);
}

void check_outputs_writable(const RunConfig& config) {
  for (const auto* path : {&config.output, &config.test_output, &config.metrics_json, &config.details, &config.html_report}) {
    if (path->empty()) continue;
    if (auto ok = check_writable(*path); !ok) throw RunError(ExitCode::output, "cannot write " + output_name(*path) + ": " + ok.error());
  }
}

// On stdout, unless an output is there: then on stderr, where --quiet silences it.
void print_report(const std::string& report, const RunConfig& config) {
  if (!writes_to_stdout(config)) {
    std::fputs(report.c_str(), stdout);
  } else if (!config.quiet) {
    std::fputs(report.c_str(), stderr);
  }
}

// A Hugging Face endpoint without a token of its own would refuse every vote.
void require_token_where_needed(const RunConfig& config, const RunTokens& tokens) {
  if (config.offline) return;
  std::vector<std::pair<std::string, const std::optional<Token>*>> asked{{config.endpoint, &tokens.first()}};
  for (std::size_t i = 0; i < config.endpoints.size(); ++i) {
    asked.emplace_back(config.endpoints[i].url, i < tokens.endpoints.size() ? &tokens.endpoints[i] : &tokens.first());
  }
  for (const auto& [url, token] : asked) {
    if (token->has_value() || !endpoint_needs_token(url)) continue;
    throw RunError(ExitCode::auth, "no Hugging Face token, and " + redact_url(url) +
                                       " needs one: set HF_TOKEN in the environment or in .env (or log in with `hf auth login`)");
  }
}

// "URL", or "3 endpoints: URL, URL, URL" for a pool.
std::string where_asked(const InferenceApi& api, const RunConfig& config) {
  if (config.endpoints.size() <= 1) return api.url();
  std::string urls;
  for (const auto& endpoint : config.endpoints) urls += (urls.empty() ? "" : ", ") + redact_url(endpoint.url);
  return std::to_string(config.endpoints.size()) + " endpoints: " + urls;
}

std::unique_ptr<ResponseStore> open_store(const RunConfig& config) {
  if (!config.use_cache) {
    if (config.offline)
      throw RunError(ExitCode::usage, "HF_HUB_OFFLINE (--offline) takes answers from the response store only: drop --no-cache");
    return nullptr;
  }
  auto store = ResponseStore::open(response_store_path(config));
  if (!store) throw RunError(ExitCode::output, store.error());
  return std::move(*store);
}

// Requests submitted to the OpenAI Batch API and not collected are paid for: a live run would pay
// for them a second time.
void refuse_while_batches_are_open(const RunConfig& config, const ResponseStore* store) {
  if (store == nullptr || config.offline) return;
  const auto held = BatchLedger::requests_in_open_batches(store->path());
  if (!held) throw RunError(ExitCode::output, held.error());
  if (*held == 0) return;
  throw RunError(ExitCode::usage, std::to_string(*held) +
                                      " requests of this store are in submitted batches not collected yet, and a live "
                                      "run would pay for them twice: `synthgen batch collect --wait` first (or "
                                      "--offline to label from the store only)");
}

void stop_if_interrupted(const CollectedVotes& votes, const ResponseStore* store) {
  if (!votes.interrupted) return;
  const auto kept = store != nullptr ? "; " + std::to_string(votes.answered) + " answers are kept in " + store->path() +
                                           ": run the same command again to resume"
                                     : std::string("; nothing was stored (--no-cache)");
  throw RunError(ExitCode::interrupted, "interrupted after " + std::to_string(votes.answered) + " of " + std::to_string(votes.total_votes) +
                                            " answers; no output was written" + kept);
}

void stop_if_over_budget(const CollectedVotes& votes, const RunConfig& config, const ResponseStore* store) {
  if (!votes.budget_spent) return;
  const auto kept = store != nullptr ? std::to_string(votes.answered) + " answers are kept in " + store->path() +
                                           ": raise it and run the same command to go on"
                                     : std::string("nothing was stored (--no-cache)");
  const auto limit = RequestBudget(config).limit_reached(votes.counts.requests, votes.paid_tokens);
  throw RunError(ExitCode::budget, limit + " reached with " + std::to_string(votes.answered) + " of " +
                                       std::to_string(votes.total_votes - votes.counts.skipped_votes) +
                                       " answers; no output was written; " + kept);
}

// A vote that failed for good leaves its row short: the outputs are written, but the run is not done,
// and a script or CI must see that (like rsync's "partial transfer"). The store keeps every answer,
// so the same command asks for the missing votes alone.
void fail_if_incomplete(const CollectedVotes& votes, const ResponseStore* store) {
  if (votes.counts.failed_requests == 0) return;
  const auto again = store != nullptr ? std::string("run the same command to ask only for those")
                                      : std::string("nothing was stored (--no-cache): run again with the response store on");
  throw RunError(ExitCode::incomplete,
                 fmt::format("{} of {} votes failed after retries (first: {}); the outputs were written without "
                             "them; {}",
                             votes.counts.failed_requests, votes.total_votes - votes.counts.skipped_votes, votes.first_failure, again));
}

void fail_below_quality_floor(const RunSummary& s, const RunConfig& config) {
  if (!s.has_gold || s.metrics.scored == 0) return;
  const auto below = [](const char* what, double value, const char* flag, double floor) {
    return fmt::format("{} {:.4f} is below {} {}; the outputs were written", what, value, flag, floor);
  };
  if (s.metrics.accuracy < config.min_accuracy)
    throw RunError(ExitCode::quality, below("accuracy", s.metrics.accuracy, "--min-accuracy", config.min_accuracy));
  if (s.metrics.macro_f1 < config.min_macro_f1)
    throw RunError(ExitCode::quality, below("macro-F1", s.metrics.macro_f1, "--min-macro-f1", config.min_macro_f1));
}

// The template for this label set; the built-in ones are written for negative/neutral/positive.
class Stopwatch {
 public:
  [[nodiscard]] double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

VotingPlan voting_plan(std::size_t rows, const LabelSet& labels, const PromptTemplate& prompt, const InferenceApi& api,
                       const RunConfig& config, const RunTokens& tokens, ResponseStore* store) {
  const auto headers = request_headers(api);
  spdlog::info("asking for {} answers ({} rows x {} votes) from {}", rows * static_cast<std::size_t>(config.votes), rows, config.votes,
               where_asked(api, config));
  const bool keep_answers = !config.details.empty() || !config.html_report.empty() || !config.shard_text.empty();
  const auto progress = progress_output_for(config.progress, config.quiet, config.log_level);
  VotingPlan plan{labels,       prompt,   api,     config, auth_headers(tokens.first(), headers), store, install_interrupt_handlers(),
                  keep_answers, progress, nullptr, {}};
  for (const auto& token : tokens.endpoints) plan.endpoint_headers.push_back(auth_headers(token, headers));
  return plan;
}

PromptTemplate prompt_for(const PromptTemplate& prompt, const RunConfig& config, const LabelSet& labels) {
  if (config.prompt_file.empty() && labels.names != sentiment_labels().names) {
    spdlog::warn(
        "warning: the built-in prompts ask for negative, neutral or positive, but the labels are {}: give --prompt-file with {{labels}}",
        labels.joined());
  }
  return prompt.with_labels(labels.names);
}

// What a --shard run leaves for the merge.
std::optional<ShardHeader> shard_header(const RunConfig& config, const RowFeed& feed, const PromptTemplate& prompt,
                                        const Provenance& provenance) {
  if (config.shard_text.empty()) return std::nullopt;
  const auto& s = feed.selection();
  const auto answer_format = config.answer_format;
  return ShardHeader{config.shard,
                     run_fingerprint(config, prompt, s.total),
                     s.first,
                     std::min(s.last, s.sample_size()),
                     s.sample_size(),
                     s.total,
                     config.n_sample,
                     config.seed,
                     feed.labels().names,
                     config.with_confidence,
                     answer_format,
                     feed.description(),
                     config.test_size,
                     provenance};
}

void fail_if_missing_offline(const CollectedVotes& votes, const ResponseStore* store) {
  if (votes.missing_offline == 0) return;
  throw RunError(ExitCode::input, "HF_HUB_OFFLINE is set and " + std::to_string(votes.missing_offline) +
                                      " answers are not in the response store (" +
                                      (store != nullptr ? store->path() : std::string("none")) + "): run once online first");
}

void fail_if_nothing_answered(const CollectedVotes& votes) {
  if (votes.answered > 0 || votes.counts.failed_requests == 0) return;
  throw RunError(ExitCode::service, "all " + std::to_string(votes.counts.failed_requests) + " requests failed (first: " +
                                        votes.first_failure + "); check --endpoint and that the server is up");
}

void warn_about_no_votes(const RunSummary& s) {
  if (s.no_votes == 0) return;
  std::string listed;
  for (std::size_t i = 0; i < s.no_vote_rows.size() && i < 10; ++i)
    listed += (listed.empty() ? "" : ", ") + std::to_string(s.no_vote_rows[i]);
  spdlog::warn("warning: {} rows got no vote and are not in the training file (rows {}{})", s.no_votes, listed,
               s.no_vote_rows.size() > 10 ? ", ..." : "");
}

// The votes cannot make a training file: interrupted, over budget, missing offline, or all failed.
void check_collected(const CollectedVotes& votes, const RunConfig& config, const ResponseStore* store) {
  stop_if_interrupted(votes, store);
  stop_if_over_budget(votes, config, store);
  fail_if_missing_offline(votes, store);
  fail_if_nothing_answered(votes);
}

}  // namespace

bool endpoint_needs_token(const std::string& url) {
  const auto host = host_of(url);
  for (const std::string_view suffix : {"huggingface.co", ".hf.space", "huggingface.cloud"}) {
    if (host.ends_with(suffix)) return true;
  }
  return false;
}

ExitCode run_labeling(const RunConfig& config, const RunTokens& tokens, WrittenFiles& written) {
  const Stopwatch run_clock;
  // Everything that can be checked is checked before anything is paid for.
  check_one_role_per_file(config);
  check_outputs_writable(config);
  require_token_where_needed(config, tokens);
  const auto& push_token = tokens.hub;
  require_token_for_push(config, push_token);
  const auto prompt_template = load_prompt(config);
  HttpPool pool({in_flight_ceiling(config), config.connect_timeout_ms, config.timeout_ms, config.ca_bundle});
  const auto store = open_store(config);
  refuse_while_batches_are_open(config, store.get());

  // 1. Open the rows: the first page or the whole file, and the seeded sample.
  auto feed = RowFeed::open(config, pool, auth_headers(tokens.hub), synthgen_cache_dir());
  const auto api = make_inference_api(config.api, config.endpoint);
  const auto prompt = prompt_for(prompt_template, config, feed.labels());
  const auto plan = voting_plan(feed.size(), feed.labels(), prompt, *api, config, tokens, store.get());
  const auto provenance = run_provenance(config, feed.description(), feed.data_sha256(), prompt);
  RunOutputs outputs(config, feed.labels(), feed.selection(), shard_header(config, feed, prompt, provenance));
  // 2-5. Stream the rows in, ask for (or look up) every vote, and decide each row as its votes are in.
  const Stopwatch request_clock;
  const auto votes = collect_votes(plan, feed, pool, [&](const RowVotes& row) { outputs.take(row, feed.in_test(row.row.index)); });
  const auto request_s = request_clock.seconds();
  check_collected(votes, config, store.get());
  feed.keep_in_cache();
  // 6. Write the training file, the metrics and the reports.
  auto summary = summarize(outputs.tally(), feed.description(), votes.counts);
  summary.wall_s = run_clock.seconds();
  summary.request_wall_s = request_s;
  summary.provenance = provenance;
  outputs.add_split_figures(summary);
  outputs.commit(summary, written);
  // 7. Report, and hold the result to the quality floors.
  warn_about_no_votes(summary);
  if (summary.train && summary.test) {
    spdlog::info("wrote {} labeled rows to {} and the {} test rows to {}", summary.train->labeled, output_name(config.output),
                 summary.test->rows, output_name(config.test_output));
  } else {
    spdlog::info("wrote {} labeled rows to {}", summary.labeled, output_name(config.output));
  }
  if (config.print_report) print_report(format_report(summary, feed.labels()), config);
  fail_if_incomplete(votes, store.get());
  fail_below_quality_floor(summary, config);
  // 8. Publish a good run as a dataset repo (--push-to-hub); the files stay on disk whatever happens.
  if (config.push_to_hub && push_token) push_to_hub(config, *push_token, summary, feed.labels(), pool);
  return ExitCode::ok;
}

}  // namespace synthgen
