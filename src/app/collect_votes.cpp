// The request loop: rows are rendered lazily, one row's votes after another, so memory holds only
// the requests in flight; answers are parsed as they arrive.
#include "synthgen/app/collect_votes.hpp"

#include <spdlog/spdlog.h>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/random.hpp"

namespace synthgen {
namespace {

// An answer after which no further request can succeed: stop at once rather than pay for more.
std::optional<RunError> fatal_answer(const HttpResponse& r) {
  if (!r.transport_error.empty()) return std::nullopt;
  const auto what = "the inference endpoint answered " + std::to_string(r.status) + ": " + service_error_text(r.body);
  switch (r.status) {
    case 401:
    case 403: return RunError(ExitCode::auth, what + "; check HF_TOKEN (it needs the 'Make calls to Inference Providers' permission)");
    case 402: return RunError(ExitCode::auth, what + "; the account is out of credits: add credits or choose another --endpoint");
    case 404: return RunError(ExitCode::service, what + "; check --endpoint, --api and --model");
    default: break;
  }
  if (r.status == 400 && r.body.find("model_not_supported") != std::string::npos) {
    return RunError(ExitCode::service, what + "; choose a --model this endpoint serves");
  }
  return std::nullopt;
}

std::string failure_kind(const HttpResponse& r) {
  if (!r.transport_error.empty()) return "transport";
  return "http_" + std::to_string(r.status);
}

class VoteCollector {
 public:
  VoteCollector(const VotingPlan& plan, CollectedVotes& out) : plan_(plan), out_(out) {}

  std::optional<HttpRequest> next() {
    const auto per_row = static_cast<std::size_t>(plan_.config.votes);
    const auto position = issued_ / per_row;
    if (position >= plan_.rows.size()) return std::nullopt;
    const auto vote = static_cast<int>(issued_ % per_row);
    const auto& row = plan_.rows[position];
    if (vote == 0) rendered_ = plan_.prompt.render(row.text);
    HttpRequest request;
    request.tag = issued_++;
    request.url = plan_.api.url();
    request.body = vote_request_body(plan_, rendered_, row, vote);
    request.headers = plan_.headers;
    ++out_.requests;
    return request;
  }

  Next finish(const HttpRequest& request, HttpResponse&& response) {
    if (response.ok()) {
      take_answer(request.tag, response.body);
      return Next::proceed;
    }
    if (auto fatal = fatal_answer(response)) {
      fatal_ = std::move(fatal);
      return Next::stop;
    }
    count_failure(failure_kind(response), response.transport_error.empty() ? service_error_text(response.body) : response.transport_error);
    return Next::proceed;
  }

  [[nodiscard]] const std::optional<RunError>& fatal() const { return fatal_; }

 private:
  void take_answer(std::uint64_t tag, const std::string& body) {
    auto answer = plan_.api.read_answer(body);
    if (!answer) {
      count_failure("bad_body", answer.error());
      return;
    }
    out_.prompt_tokens += answer->usage.prompt;
    out_.completion_tokens += answer->usage.completion;
    const auto parsed = parse_answer(answer->text, plan_.labels, plan_.config.parser, plan_.config.answer_format);
    if (!parsed.label) {
      ++out_.invalid_answers;
      spdlog::debug("no label in answer: {}", answer->text.substr(0, 120));
    }
    out_.votes[tag] = parsed.label;
  }

  void count_failure(const std::string& kind, const std::string& detail) {
    ++out_.failed_requests;
    ++out_.failures[kind];
    if (out_.first_failure.empty()) out_.first_failure = kind + ": " + detail;
  }

  const VotingPlan& plan_;
  CollectedVotes& out_;
  std::uint64_t issued_ = 0;
  std::string rendered_;
  std::optional<RunError> fatal_;
};

}  // namespace

std::string vote_request_body(const VotingPlan& plan, const std::string& rendered_prompt, const Row& row, int vote) {
  const auto seed = vote_seed(plan.config.seed, row.index, static_cast<std::uint64_t>(vote));
  return plan.api.request_body(rendered_prompt, plan.config.generation, seed);
}

CollectedVotes collect_votes(const VotingPlan& plan, HttpPool& pool) {
  CollectedVotes out;
  out.votes_per_row = static_cast<std::size_t>(plan.config.votes);
  out.votes.assign(plan.rows.size() * out.votes_per_row, std::nullopt);
  VoteCollector collector(plan, out);
  pool.run([&] { return collector.next(); },
           [&](const HttpRequest& request, HttpResponse&& response) { return collector.finish(request, std::move(response)); });
  if (collector.fatal()) throw *collector.fatal();
  return out;
}

}  // namespace synthgen
