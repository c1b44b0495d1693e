// Steps 1-4 of a run, interleaved: rows stream in from the feed, every vote of every row is one
// request through the HTTP pool, and each row leaves, in row order, as soon as its votes are in.
// A request is a value (row, vote, body): answered from the response store when it is there, else
// sent, retried on passing failures, stored as it arrives, and turned into a parsed vote or a
// counted failure. Memory holds a bounded window of rows, never the run.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "synthgen/app/progress.hpp"
#include "synthgen/app/row_feed.hpp"
#include "synthgen/app/vote_window.hpp"
#include "synthgen/core/label_parser.hpp"
#include "synthgen/core/labeling.hpp"
#include "synthgen/core/prompt.hpp"
#include "synthgen/core/request_counts.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/io/http_pool.hpp"
#include "synthgen/io/inference_api.hpp"
#include "synthgen/io/response_store.hpp"

namespace synthgen {

// Where the requests go that are not sent live: `batch export` writes them for a batch engine.
class DeferredRequests {
 public:
  virtual ~DeferredRequests() = default;
  // The request of the row's vote, not in the store; its answer comes back through `batch import`.
  virtual void defer(const Row& row, int vote, const StoreKey& key, const std::string& body) = 0;
};

struct VotingPlan {
  const LabelSet& labels;
  const PromptTemplate& prompt;
  const InferenceApi& api;
  const RunConfig& config;
  HeaderList headers;              // the first endpoint's: its votes (unless `endpoint_headers`) and its model list
  ResponseStore* store = nullptr;  // null: --no-cache
  StopSignal stop;
  bool keep_answers = false;                       // for --details
  ProgressOutput progress = ProgressOutput::none;  // the progress on stderr
  // Set: no vote is sent; each one not in the store goes here, and its row waits for the next pass
  // (needs the store).
  DeferredRequests* deferred = nullptr;
  // Each endpoint's headers, in the order of config.endpoints (each with its own token); empty:
  // `headers` for every endpoint.
  std::vector<HeaderList> endpoint_headers;
};

// The run's counts; the votes themselves go to the RowSink row by row.
struct CollectedVotes {
  std::size_t votes_per_row = 0;
  std::size_t total_votes = 0;  // rows x votes per row
  std::size_t rows_done = 0;    // rows handed to the sink
  std::size_t answered = 0;     // votes with an answer, sent or stored
  RequestCounts counts;         // requests, retries, failures, tokens: as the summary reports them
  std::string first_failure;    // one example, for the user
  long paid_tokens = 0;         // prompt + completion of the answers sent for in this run (not from the store)
  bool interrupted = false;
  bool budget_spent = false;        // --max-requests or --max-cost stopped the sending
  std::size_t missing_offline = 0;  // HF_HUB_OFFLINE: votes whose answer is not in the store
  std::size_t deferred = 0;         // votes handed to VotingPlan::deferred
};

// The body of one vote's request: the prompt for the row and that vote's own seed.
std::string vote_request_body(const VotingPlan& plan, const std::string& rendered_prompt, const Row& row, int vote);

// Throws RunError when an answer shows the run cannot succeed (refused token, no credits, no such
// endpoint or model), after storing what arrived; any other failure is retried or counted.
CollectedVotes collect_votes(const VotingPlan& plan, RowFeed& feed, HttpPool& pool, const RowSink& sink);

}  // namespace synthgen
