// Judging a vote's answer: the status and body say answer, retry, fail or stop (core/retry.hpp).
#include "synthgen/app/vote_outcome.hpp"

#include <optional>

#include "synthgen/core/retry.hpp"
#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

std::string failure_kind(const HttpResponse& r, bool readable_2xx_expected) {
  if (r.too_large) return "too_large";
  if (!r.transport_error.empty()) return "transport";
  if (readable_2xx_expected) return "bad_body";
  return "http_" + std::to_string(r.status);
}

std::string failure_detail(const HttpResponse& response, const std::string& unreadable) {
  if (response.too_large) return response.transport_error + ", the --max-response-bytes limit";
  if (!response.transport_error.empty()) return response.transport_error;
  if (!unreadable.empty()) return unreadable + " (" + excerpt(response.body, 80) + ")";
  return service_error_text(response.body);
}

RunError stop_error(Verdict verdict, const HttpResponse& r) {
  const auto what = "the inference endpoint answered " + std::to_string(r.status) + ": " + service_error_text(r.body);
  switch (verdict) {
    case Verdict::stop_auth:
      return RunError(ExitCode::auth, what + "; check HF_TOKEN (it needs the 'Make calls to Inference Providers' permission)");
    case Verdict::stop_credits:
      return RunError(ExitCode::auth, what + "; the account is out of credits or quota: add credits or choose another --endpoint");
    case Verdict::stop_model: return RunError(ExitCode::service, what + "; the endpoint does not serve this model: check --model");
    default: return RunError(ExitCode::service, what + "; check --endpoint, --api and --model");
  }
}

}  // namespace

VoteOutcome judge_vote_response(const InferenceApi& api, const HttpResponse& response) {
  std::optional<InferenceAnswer> answer;
  std::string unreadable;  // why a 2xx body held no answer
  if (response.ok()) {
    if (auto read = api.read_answer(response.body)) {
      answer = std::move(*read);
    } else {
      unreadable = read.error();
    }
  }
  // A body cut off at --max-response-bytes keeps its status: an error status is judged as usual.
  const long status = response.transport_error.empty() || response.too_large ? response.status : 0;
  if (response.too_large && status >= 200 && status < 300) {
    // Not retried: asked again, the model would most likely write (and bill) the same long answer.
    return FailedForGood{failure_kind(response, false), failure_detail(response, unreadable)};
  }
  const auto verdict = classify_response(status, response.body, answer.has_value());
  if (answer && verdict == Verdict::answer) return Answered{std::move(*answer)};
  switch (verdict) {
    case Verdict::answer:  // only with an answer, taken above
    case Verdict::retry: return RetryLater{failure_kind(response, response.ok()), failure_detail(response, unreadable)};
    case Verdict::fail: return FailedForGood{failure_kind(response, false), failure_detail(response, unreadable)};
    case Verdict::stop_auth:
    case Verdict::stop_credits:
    case Verdict::stop_config:
    case Verdict::stop_model: return StopRun{stop_error(verdict, response), verdict == Verdict::stop_model};
  }
  return StopRun{RunError(ExitCode::internal, "an unknown verdict")};
}

}  // namespace synthgen
