// Step 4 of a run: every vote of every row as one request through the HTTP pool. A request is a
// value (row, vote, body); its answer becomes a parsed vote or a counted failure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "synthgen/core/label_parser.hpp"
#include "synthgen/core/prompt.hpp"
#include "synthgen/core/run_config.hpp"
#include "synthgen/io/http_pool.hpp"
#include "synthgen/io/inference_api.hpp"

namespace synthgen {

struct VotingPlan {
  const std::vector<Row>& rows;
  const LabelSet& labels;
  const PromptTemplate& prompt;
  const InferenceApi& api;
  const RunConfig& config;
  HeaderList headers;
};

struct CollectedVotes {
  std::size_t votes_per_row = 0;
  std::vector<std::optional<LabelId>> votes;  // [row position * votes_per_row + vote]; empty: no vote
  std::size_t requests = 0;
  std::size_t failed_requests = 0;
  std::map<std::string, std::size_t> failures;
  std::string first_failure;  // one example, for the user
  std::size_t invalid_answers = 0;
  long prompt_tokens = 0;
  long completion_tokens = 0;
};

// The body of one vote's request: the prompt for the row and that vote's own seed.
std::string vote_request_body(const VotingPlan& plan, const std::string& rendered_prompt, const Row& row, int vote);

// Throws RunError when an answer shows the run cannot succeed (refused token, no credits, no such
// endpoint or model); any other failure is counted and the batch goes on.
CollectedVotes collect_votes(const VotingPlan& plan, HttpPool& pool);

}  // namespace synthgen
