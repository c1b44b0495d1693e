// The request loop. Rows enter a bounded window as the feed gives them and the votes need them;
// each row's prompt is rendered when its votes are asked for; answers are parsed and stored as
// they arrive; a row leaves the window, in row order, once its last vote is in.
#include "synthgen/app/collect_votes.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <variant>

#include "synthgen/app/endpoint_pool.hpp"
#include "synthgen/app/progress.hpp"
#include "synthgen/app/retry_queue.hpp"
#include "synthgen/app/run_error.hpp"
#include "synthgen/app/vote_outcome.hpp"
#include "synthgen/core/name_match.hpp"
#include "synthgen/core/request_budget.hpp"
#include "synthgen/core/secrets.hpp"
#include "synthgen/core/text.hpp"
#include "synthgen/io/http_date.hpp"
#include "synthgen/io/model_list.hpp"

namespace synthgen {
namespace {

using Clock = std::chrono::steady_clock;

// The fewest rows the window may hold ahead of the first unfinished one, and per request slot.
constexpr std::size_t min_window_rows = 1024;
constexpr std::size_t window_rows_per_slot = 16;

std::size_t request_slots(const VotingPlan& plan) { return static_cast<std::size_t>(std::max(1, in_flight_ceiling(plan.config))); }

WindowShape window_shape(const VotingPlan& plan) {
  const auto slots = request_slots(plan);
  return {static_cast<std::size_t>(plan.config.votes),
          plan.labels.size(),
          plan.config.early_stop,
          plan.keep_answers,
          plan.store != nullptr,
          std::max(min_window_rows, window_rows_per_slot * slots)};
}

// Where the votes go: the one endpoint of old (plan.api's URL), or each endpoint of the pool with
// the same wire format.
// Each endpoint's votes carry its own headers (its own token).
std::vector<PoolTarget> pool_targets(const VotingPlan& plan) {
  const auto& specs = plan.config.endpoints;
  const auto headers = [&](std::size_t i) { return i < plan.endpoint_headers.size() ? plan.endpoint_headers[i] : plan.headers; };
  if (specs.size() <= 1) return {{plan.api.url(), redact_url(plan.config.endpoint), request_slots(plan), headers(0)}};
  std::vector<PoolTarget> targets;
  targets.reserve(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    targets.push_back({make_inference_api(plan.config.api, specs[i].url)->url(), redact_url(specs[i].url),
                       static_cast<std::size_t>(specs[i].concurrency), headers(i)});
  }
  return targets;
}

// The request loop's one job of its own: which request goes next, and what each answer does.
// The parts: the window of rows (VoteWindow), the retries shared with the /rows pages
// (RetryQueue), the endpoints, each with the pace and the number in flight its answers allow and
// its pause or set-aside after failures in a row (EndpointPool), the spending limits
// (RequestBudget), the response store and the progress line.
class VoteCollector {
 public:
  VoteCollector(const VotingPlan& plan, RowFeed& feed, const RowSink& sink, CollectedVotes& out)
      : plan_(plan),
        feed_(feed),
        out_(out),
        slots_(request_slots(plan)),
        window_(window_shape(plan), sink),
        retries_(plan.config.max_retries, plan.config.seed, Millis(plan.config.max_retry_wait_ms), seconds_until_http_date),
        endpoints_(pool_targets(plan), plan.config.seed, Millis(plan.config.max_retry_wait_ms)),
        budget_(plan.config),
        progress_(plan.progress, stderr_status_line()) {}

  Pulled next() {
    try {
      auto pulled = pull();
      // The loop asks again at least once a second while nothing may go (a pause, a pace, a retry's
      // backoff): the progress line goes on showing the time and the falling rate meanwhile.
      if (std::holds_alternative<WaitUntil>(pulled)) progress_.update(progress_figures());
      return pulled;
    } catch (RunError& e) {  // a page or a row the run cannot go on without
      fatal_ = std::move(e);
      return Exhausted{};
    }
  }

  Next finish(const HttpRequest& request, HttpResponse&& response) {
    try {
      if (RowFeed::is_fetch(request)) {
        feed_.take_fetch(request, std::move(response), retries_);
        return Next::proceed;
      }
      const auto endpoint = endpoints_.index_of(request.url).value_or(0);
      learn_the_limits(endpoint, request.tag, response);
      const auto next = judge(endpoint, request, std::move(response));
      progress_.update(progress_figures());
      return next;
    } catch (RunError& e) {
      fatal_ = std::move(e);
      return Next::stop;
    }
  }

  void finish_progress() { progress_.finish(progress_figures()); }

  [[nodiscard]] const std::optional<RunError>& fatal() const { return fatal_; }
  [[nodiscard]] bool unknown_model() const { return unknown_model_; }
  [[nodiscard]] std::size_t skipped() const { return window_.skipped_votes(); }
  [[nodiscard]] std::size_t rows_done() const { return window_.rows_done(); }
  [[nodiscard]] double paced_per_s() const { return endpoints_.paced_per_s(); }
  // Each endpoint's counts when there are two or more.
  [[nodiscard]] std::vector<EndpointCounts> endpoint_counts() const {
    return endpoints_.pooled() ? endpoints_.counts() : std::vector<EndpointCounts>{};
  }

 private:
  // Rows decided as the window hands them to the sink; votes settled for this pass: answered, failed
  // for good, missing offline or deferred to a batch.
  [[nodiscard]] ProgressFigures progress_figures() const {
    const auto& c = out_.counts;
    return {window_.rows_done(),
            feed_.size(),
            out_.answered + c.failed_requests + out_.missing_offline + out_.deferred,
            out_.total_votes - window_.skipped_votes(),
            c.requests,
            c.failed_requests,
            c.retries};
  }

  Pulled pull() {
    if (fatal_) return Exhausted{};
    const auto now = Clock::now();
    if (auto until = endpoints_.paused_until(now)) return WaitUntil{*until};
    stop_if_every_endpoint_is_down();
    if (fatal_) return Exhausted{};
    if (!budget_allows()) return wait_or_exhausted();
    const auto chosen = endpoints_.choose(now);
    if (const auto* until = std::get_if<Clock::time_point>(&chosen)) {  // no vote may go yet, but a page may
      if (auto page = page_to_fetch()) return std::move(*page);
      return WaitUntil{*until};
    }
    const auto endpoint = std::get<std::size_t>(chosen);
    if (auto retry = retries_.ready(now)) return send(std::move(*retry), elsewhere(*retry, endpoint, now));
    for (;;) {
      // Asked before every vote: answers from the store drain the window without a request, and
      // the page they make room for must be asked for before the loop can run dry.
      if (auto page = page_to_fetch()) return std::move(*page);
      const auto tag = window_.next_vote([this] { return feed_.next_row(); });
      if (!tag) break;
      auto body = body_for(*tag);
      if (answer_from_store(*tag)) continue;
      if (plan_.deferred != nullptr) {  // batch export: the request goes to a file, not on the wire
        plan_.deferred->defer(window_.row(*tag), window_.vote(*tag), window_.key(*tag), body);
        ++out_.deferred;
        window_.deferred(*tag);
        continue;
      }
      if (plan_.config.offline) {  // HF_HUB_OFFLINE: a missing answer is counted, never asked for
        ++out_.missing_offline;
        window_.failed(*tag);
        continue;
      }
      return send(vote_request(*tag, std::move(body)), endpoint);
    }
    return wait_or_exhausted();
  }

  // A /rows page when the rows ready for their first votes run low and the window has room.
  std::optional<HttpRequest> page_to_fetch() {
    if (window_.unstarted_rows() >= 2 * slots_ || window_.full()) return std::nullopt;
    return feed_.next_fetch(2 + slots_ / 32);
  }

  [[nodiscard]] Pulled wait_or_exhausted() const {
    if (out_.budget_spent) return Exhausted{};
    if (auto when = retries_.next_ready()) return WaitUntil{*when};
    return Exhausted{};
  }

  // --max-requests and --max-cost: no request beyond them (answers from the store cost nothing).
  bool budget_allows() {
    if (budget_.allows(out_.counts.requests, out_.paid_tokens)) return true;
    out_.budget_spent = true;
    return false;
  }

  HttpRequest vote_request(std::uint64_t tag, std::string body) const {
    HttpRequest r;
    r.tag = tag;
    r.body = std::move(body);
    r.max_body_bytes = plan_.config.max_response_bytes;
    r.budgeted = true;
    return r;
  }

  // Votes count as requests, first sends and retries alike, and go to `endpoint` at the pace it
  // allows, with its token (a retry may go elsewhere than its first send); /rows pages do none of that.
  HttpRequest send(HttpRequest request, std::size_t endpoint) {
    if (!RowFeed::is_fetch(request)) {
      ++out_.counts.requests;
      request.url = endpoints_.target(endpoint).url;
      request.headers = endpoints_.target(endpoint).headers;
      endpoints_.on_send(endpoint, request.tag, Clock::now());
    }
    return request;
  }

  // A retry goes wherever there is room now, but where it failed only when no other endpoint has room.
  std::size_t elsewhere(const HttpRequest& retry, std::size_t chosen, Clock::time_point now) {
    const auto failed_at = endpoints_.index_of(retry.url);
    if (!endpoints_.pooled() || failed_at != chosen) return chosen;
    const auto other = endpoints_.choose(now, failed_at);
    const auto* index = std::get_if<std::size_t>(&other);
    return index != nullptr ? *index : chosen;
  }

  // The run cannot go on when every endpoint of a pool is down, nor when no endpoint ever took a
  // connection (a wrong --endpoint): each vote's retries would only wait minutes to say so.
  void stop_if_every_endpoint_is_down() {
    if (const auto down = endpoints_.all_down()) {
      fatal_ = RunError(ExitCode::service, "every endpoint is down: " + *down + "; check --endpoint and that the servers are up");
    } else if (const auto unreachable = endpoints_.never_reached()) {
      fatal_ = RunError(ExitCode::service,
                        "cannot connect to " + *unreachable + ", not once since the start; check --endpoint and that the server is up");
    }
  }

  // The first time an endpoint limits the rate is news; each new pace after that is for -v.
  void learn_the_limits(std::size_t endpoint, std::uint64_t tag, const HttpResponse& response) {
    const bool had_pace = endpoints_.pace(endpoint).has_value();
    if (!endpoints_.on_answer(endpoint, tag, response, Clock::now())) return;
    const auto pace = endpoints_.pace(endpoint);
    if (!pace) return;
    const auto level = had_pace ? spdlog::level::debug : spdlog::level::info;
    if (!endpoints_.pooled()) {
      spdlog::log(level, "the server limits the request rate: sending at {:.1f} requests/s for now", *pace);
    } else {
      spdlog::log(level, "endpoint {} limits the request rate: sending at {:.1f} requests/s to it for now",
                  endpoints_.target(endpoint).shown, *pace);
    }
  }

  std::string body_for(std::uint64_t tag) {
    const auto position = window_.position(tag);
    if (rendered_position_ != position || rendered_.empty()) {
      rendered_ = plan_.prompt.render(window_.row(tag).text);
      rendered_position_ = position;
    }
    auto body = vote_request_body(plan_, rendered_, window_.row(tag), window_.vote(tag));
    if (plan_.store != nullptr) window_.key(tag) = make_store_key(plan_.config.api, plan_.config.generation.model, body, window_.vote(tag));
    return body;
  }

  bool answer_from_store(std::uint64_t tag) {
    if (plan_.store == nullptr) return false;
    auto stored = plan_.store->find(window_.key(tag));
    if (!stored) return false;
    ++out_.counts.cached;
    take_answer(tag, *stored);
    return true;
  }

  Next judge(std::size_t endpoint, const HttpRequest& request, HttpResponse&& response) {
    auto outcome = judge_vote_response(plan_.api, response);
    if (auto* answered = std::get_if<Answered>(&outcome)) {
      endpoints_.on_success(endpoint);
      retries_.forget(request.tag);
      if (plan_.store != nullptr) plan_.store->add(window_.key(request.tag), answered->answer);
      out_.paid_tokens += answered->answer.usage.prompt + answered->answer.usage.completion;
      take_answer(request.tag, answered->answer);
    } else if (auto* retry = std::get_if<RetryLater>(&outcome)) {
      count_billed_without_answer(response);
      retry_or_fail(endpoint, request, response, *retry);
    } else if (auto* failed = std::get_if<FailedForGood>(&outcome)) {
      count_billed_without_answer(response);
      count_failure(request.tag, failed->kind, failed->detail);
    } else {
      return stop_or_go_elsewhere(endpoint, request, response, std::get<StopRun>(outcome));
    }
    return Next::proceed;
  }

  // An answer that stops the run (a refused token, no credits, a model not served) stops it on one
  // endpoint; a pool retires that endpoint and asks the vote again elsewhere, and stops only when
  // every endpoint has refused it.
  Next stop_or_go_elsewhere(std::size_t endpoint, const HttpRequest& request, const HttpResponse& response, StopRun& stop) {
    const auto kind = "http_" + std::to_string(response.status);
    if (!endpoints_.retire(endpoint, kind)) {
      retry_or_fail(endpoint, request, response, RetryLater{kind, stop.error.what()});
      return Next::proceed;
    }
    unknown_model_ = stop.unknown_model;
    if (!endpoints_.pooled()) {
      fatal_ = std::move(stop.error);
    } else {
      fatal_ = RunError(stop.error.code(), "every endpoint refused the run: " + endpoints_.all_retired().value_or("") +
                                               "; the last one: " + stop.error.what());
    }
    return Next::stop;
  }

  // A 2xx that held no answer may still have been billed (a usage object beside no choices).
  void count_billed_without_answer(const HttpResponse& response) {
    if (!response.ok()) return;
    const auto usage = plan_.api.billed_usage(response.body);
    out_.counts.prompt_tokens += usage.prompt;
    out_.counts.completion_tokens += usage.completion;
    out_.paid_tokens += usage.prompt + usage.completion;
  }

  // Every answer is a vote or a counted no-vote with its reason; an answer without text (stored
  // so) is not parsed.
  void take_answer(std::uint64_t tag, const InferenceAnswer& answer) {
    ++out_.answered;
    out_.counts.prompt_tokens += answer.usage.prompt;
    out_.counts.completion_tokens += answer.usage.completion;
    std::optional<LabelId> label;
    std::string no_vote = answer.no_text;
    if (no_vote.empty()) {
      const auto parsed = parse_answer(answer.text, plan_.labels, plan_.config.parser, plan_.config.answer_format);
      label = parsed.label;
      if (!label) no_vote = parsed.has_text ? "no_label" : "no_text";
    }
    if (!label) {
      ++out_.counts.invalid_answers;
      ++out_.counts.no_votes_by_reason[no_vote];
      spdlog::debug("no vote ({}) in answer: {}", no_vote, answer.text.substr(0, 120));
    }
    window_.answered(tag, label, answer.text);
  }

  void retry_or_fail(std::size_t endpoint, const HttpRequest& request, const HttpResponse& response, const RetryLater& retry) {
    if (response.status != 429) pause_if_down(endpoint, retry.kind, response);  // a rate limit is paced, not paused
    const auto tag = request.tag;
    const auto wait = retries_.again(request, response, Clock::now());
    if (!wait) {
      count_failure(tag, retry.kind, retry.detail);
      return;
    }
    ++out_.counts.retries;
    ++out_.counts.retried[retry.kind];
    spdlog::debug("retry of request {} in {} ms after {}", tag, wait->count(), retry.kind);
  }

  // Many failures in a row mean the service is down or overloaded: stop hammering it for a while.
  // (A pool sets the endpoint aside instead, and says so itself.)
  void pause_if_down(std::size_t endpoint, const std::string& kind, const HttpResponse& response) {
    const auto why = response.transport_error.empty() ? kind : kind + ": " + response.transport_error;
    const auto pause = endpoints_.on_failure(endpoint, why, response, Clock::now());
    if (!pause) return;
    // The first pauses are news; after that the service is known to be down: keep the log short.
    spdlog::log(endpoints_.pauses(endpoint) <= 3 ? spdlog::level::warn : spdlog::level::debug,
                "warning: {} requests in a row failed (last: {}{}); pausing {:.1f} s before sending more",
                FailureBreaker::failures_before_pause, kind, response.transport_error.empty() ? "" : ", " + response.transport_error,
                static_cast<double>(pause->count()) / 1000.0);
  }

  void count_failure(std::uint64_t tag, const std::string& kind, const std::string& detail) {
    ++out_.counts.failed_requests;
    ++out_.counts.failures[kind];
    if (out_.first_failure.empty()) out_.first_failure = kind + ": " + detail;
    window_.failed(tag);
  }

  const VotingPlan& plan_;
  RowFeed& feed_;
  CollectedVotes& out_;
  const std::size_t slots_;  // requests in flight at most
  VoteWindow window_;
  RetryQueue retries_;
  EndpointPool endpoints_;
  RequestBudget budget_;
  ProgressLine progress_;
  std::string rendered_;  // the prompt of the row last rendered
  std::size_t rendered_position_ = 0;
  std::optional<RunError> fatal_;
  bool unknown_model_ = false;
};

// The stop for an unknown --model, naming up to five models the endpoint serves, the closest first
// (asked for once, after the run has stopped); without a list it only says to check --model.
RunError with_served_models(const RunError& stop, const VotingPlan& plan, HttpPool& pool) {
  if (plan.config.api != ApiKind::openai) return stop;
  const auto served = fetch_model_list(pool, plan.config.endpoint, plan.headers);
  if (!served || served->empty()) {
    spdlog::debug("no model list from the endpoint: {}", served ? "an empty list" : served.error());
    return stop;
  }
  std::string names;
  for (const auto& name : closest_names(plan.config.generation.model, *served, 5))
    names += (names.empty() ? "" : ", ") + excerpt(name, 100);
  return RunError(stop.code(), std::string(stop.what()) + " (it serves e.g. " + names + ")");
}

}  // namespace

std::string vote_request_body(const VotingPlan& plan, const std::string& rendered_prompt, const Row& row, int vote) {
  const auto seed = vote_seed(plan.config.seed, row.index, static_cast<std::uint64_t>(vote));
  return plan.api.request_body(rendered_prompt, plan.config.generation, seed);
}

CollectedVotes collect_votes(const VotingPlan& plan, RowFeed& feed, HttpPool& pool, const RowSink& sink) {
  CollectedVotes out;
  out.votes_per_row = static_cast<std::size_t>(plan.config.votes);
  out.total_votes = feed.size() * out.votes_per_row;
  VoteCollector collector(plan, feed, sink, out);
  pool.run([&] { return collector.next(); },
           [&](const HttpRequest& request, HttpResponse&& response) { return collector.finish(request, std::move(response)); }, plan.stop);
  collector.finish_progress();
  out.interrupted = plan.stop.requested && plan.stop.requested();
  if (plan.store != nullptr) {
    if (auto flushed = plan.store->flush(); !flushed) spdlog::warn("warning: the response store could not be written: {}", flushed.error());
  }
  out.counts.skipped_votes = collector.skipped();
  out.rows_done = collector.rows_done();
  out.counts.paced_per_s = collector.paced_per_s();
  out.counts.endpoints = collector.endpoint_counts();
  if (const auto& fatal = collector.fatal()) throw collector.unknown_model() ? with_served_models(*fatal, plan, pool) : fatal.value();
  return out;
}

}  // namespace synthgen
