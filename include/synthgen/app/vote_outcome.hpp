// What one finished vote request means for the run: an answer to parse and store, a passing
// failure to retry, a final failure of this vote to count, or a stop of the whole run.
#pragma once

#include <string>
#include <variant>

#include "synthgen/app/run_error.hpp"
#include "synthgen/io/http_pool.hpp"
#include "synthgen/io/inference_api.hpp"

namespace synthgen {

struct Answered {
  InferenceAnswer answer;
};
// `kind` names the failure in the counts ("http_429", "transport", "bad_body", "too_large", ...);
// `detail` says what happened, for the user.
struct RetryLater {
  std::string kind;
  std::string detail;
};
struct FailedForGood {
  std::string kind;
  std::string detail;
};
struct StopRun {
  RunError error;
  bool unknown_model = false;  // the endpoint does not serve --model: the stop may name models it does
};
using VoteOutcome = std::variant<Answered, RetryLater, FailedForGood, StopRun>;

VoteOutcome judge_vote_response(const InferenceApi& api, const HttpResponse& response);

}  // namespace synthgen
