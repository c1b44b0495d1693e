// The request loop. Rows enter a bounded window as the feed gives them and the votes need them;
// each row's prompt is rendered when its votes are asked for; answers are parsed and stored as
// they arrive; a row leaves the window, in row order, once its last vote is in.
#include "synthgen/app/collect_votes.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <deque>
#include <queue>

#include "synthgen/app/progress.hpp"
#include "synthgen/app/run_error.hpp"
#include "synthgen/core/random.hpp"
#include "synthgen/core/retry.hpp"
#include "synthgen/core/text.hpp"
#include "synthgen/core/vote_schedule.hpp"

namespace synthgen {
namespace {

using Clock = std::chrono::steady_clock;

// After this many failures in a row the service is taken to be down: pause all sending.
constexpr int failures_before_pause = 10;

std::optional<double> seconds_until_http_date(std::string_view date) {
  const auto when = curl_getdate(std::string(date).c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::difftime(when, std::time(nullptr));
}

std::string failure_kind(const HttpResponse& r, bool readable_2xx_expected) {
  if (r.too_large) return "too_large";
  if (!r.transport_error.empty()) return "transport";
  if (readable_2xx_expected) return "bad_body";
  return "http_" + std::to_string(r.status);
}

RunError stop_error(Verdict verdict, const HttpResponse& r) {
  const auto what = "the inference endpoint answered " + std::to_string(r.status) + ": " + service_error_text(r.body);
  switch (verdict) {
    case Verdict::stop_auth:
      return RunError(ExitCode::auth, what + "; check HF_TOKEN (it needs the 'Make calls to Inference Providers' permission)");
    case Verdict::stop_credits:
      return RunError(ExitCode::auth, what + "; the account is out of credits or quota: add credits or choose another --endpoint");
    default: return RunError(ExitCode::service, what + "; check --endpoint, --api and --model");
  }
}

// The fewest rows the window may hold ahead of the first unfinished one, and per request slot.
constexpr std::size_t min_window_rows = 1024;
constexpr std::size_t window_rows_per_slot = 16;

struct RowSlot {
  Row row;
  std::vector<std::optional<LabelId>> votes;
  std::vector<VoteStatus> status;
  std::vector<std::string> answers;  // only with keep_answers
  std::vector<StoreKey> keys;        // only with a store: each vote's key, made once
};

struct RetryItem {
  Clock::time_point ready;
  std::uint64_t tag;
  std::string body;
  bool operator>(const RetryItem& other) const { return ready > other.ready; }
};

class VoteCollector {
 public:
  VoteCollector(const VotingPlan& plan, RowFeed& feed, const RowSink& sink, CollectedVotes& out)
      : plan_(plan),
        feed_(feed),
        sink_(sink),
        out_(out),
        per_row_(static_cast<std::size_t>(plan.config.votes)),
        schedule_(per_row_, plan.labels.size(), plan.config.early_stop),
        slots_(static_cast<std::size_t>(std::max(1, plan.config.concurrency))),
        window_limit_(std::max(min_window_rows, window_rows_per_slot * slots_)),
        progress_(plan.show_progress) {}

  Pulled next() {
    try {
      return pull();
    } catch (RunError& e) {  // a page or a row the run cannot go on without
      fatal_ = std::move(e);
      return Exhausted{};
    }
  }

  Next finish(const HttpRequest& request, HttpResponse&& response) {
    try {
      if (RowFeed::is_fetch(request)) {
        feed_.take_fetch(request, std::move(response));
        return Next::proceed;
      }
      const auto next = judge(request, std::move(response));
      progress_.update({out_.answered + out_.failed_requests, out_.total_votes - schedule_.skipped(), out_.requests, out_.failed_requests,
                        out_.retries});
      return next;
    } catch (RunError& e) {
      fatal_ = std::move(e);
      return Next::stop;
    }
  }

  void finish_progress() { progress_.finish(); }

  [[nodiscard]] const std::optional<RunError>& fatal() const { return fatal_; }
  [[nodiscard]] std::size_t skipped() const { return schedule_.skipped(); }

 private:
  Pulled pull() {
    if (fatal_) return Exhausted{};
    const auto now = Clock::now();
    if (paused_until_ > now) return WaitUntil{paused_until_};
    if (!retries_.empty() && retries_.top().ready <= now && !budget_spent()) {
      auto item = retries_.top();
      retries_.pop();
      return request(item.tag, std::move(item.body));
    }
    if (!budget_spent()) {
      for (;;) {
        // Asked before every vote: answers from the store drain the window without a request, and
        // the page they make room for must be asked for before the loop can run dry.
        if (auto page = page_to_fetch()) return std::move(*page);
        const auto next = next_vote();
        if (!next) break;
        const auto tag = *next;
        auto body = body_for(tag);
        if (answer_from_store(tag)) continue;
        if (plan_.config.offline) {  // HF_HUB_OFFLINE: a missing answer is counted, never asked for
          ++out_.missing_offline;
          settle(tag, VoteStatus::failed);
          continue;
        }
        return request(tag, std::move(body));
      }
    }
    return wait_or_exhausted();
  }

  // A /rows page when the rows ready for their first votes run low and the window has room.
  std::optional<HttpRequest> page_to_fetch() {
    if (schedule_.unstarted_rows() >= 2 * slots_ || window_.size() >= window_limit_) return std::nullopt;
    return feed_.next_fetch(2 + slots_ / 32);
  }

  // The next vote to ask for, admitting rows from the feed into the window as they are needed.
  std::optional<std::uint64_t> next_vote() {
    for (;;) {
      if (const auto tag = schedule_.next()) return tag;
      if (window_.size() >= window_limit_) return std::nullopt;
      auto row = feed_.next_row();
      if (!row) return std::nullopt;
      admit(std::move(*row));
    }
  }

  void admit(Row row) {
    RowSlot slot{
        std::move(row), std::vector<std::optional<LabelId>>(per_row_), std::vector<VoteStatus>(per_row_, VoteStatus::not_asked), {}, {}};
    if (plan_.keep_answers) slot.answers.resize(per_row_);
    if (plan_.store != nullptr) slot.keys.resize(per_row_);
    window_.push_back(std::move(slot));
    schedule_.admit_row();
  }

  Pulled wait_or_exhausted() const {
    std::optional<Clock::time_point> until = feed_.next_retry();
    if (!retries_.empty() && !out_.budget_spent) until = until ? std::min(*until, retries_.top().ready) : retries_.top().ready;
    if (until) return WaitUntil{*until};
    return Exhausted{};
  }

  RowSlot& slot_of(std::uint64_t tag) { return window_[tag / per_row_ - schedule_.first_position()]; }

  // A vote's outcome is final: the schedule hears of it, and finished rows leave in row order.
  void settle(std::uint64_t tag, VoteStatus status) {
    auto& slot = slot_of(tag);
    slot.status[tag % per_row_] = status;
    schedule_.settle(tag, slot.votes);
    while (schedule_.front_done()) {
      const auto& done = window_.front();
      sink_(RowVotes{done.row, done.votes, done.status, done.answers});
      ++out_.rows_done;
      window_.pop_front();
      schedule_.drop_front();
    }
  }

  Next judge(const HttpRequest& request, HttpResponse&& response) {
    std::optional<InferenceAnswer> answer;
    std::string unreadable;  // why a 2xx body held no answer
    if (response.ok()) {
      if (auto read = plan_.api.read_answer(response.body)) {
        answer = std::move(*read);
      } else {
        unreadable = read.error();
      }
    }
    // A body cut off at --max-response-bytes keeps its status: an error status is judged as usual.
    const long status = response.transport_error.empty() || response.too_large ? response.status : 0;
    if (response.too_large && status >= 200 && status < 300) {
      // Not retried: asked again, the model would most likely write (and bill) the same long answer.
      count_failure(request.tag, failure_kind(response, false), failure_detail(response, unreadable));
      return Next::proceed;
    }
    const auto verdict = classify_response(status, response.body, answer.has_value());
    if (verdict == Verdict::answer && answer) {
      consecutive_failures_ = 0;
      pauses_ = 0;
      if (plan_.store != nullptr) plan_.store->add(slot_of(request.tag).keys[request.tag % per_row_], *answer);
      out_.paid_tokens += answer->usage.prompt + answer->usage.completion;
      take_answer(request.tag, *answer);
      return Next::proceed;
    }
    switch (verdict) {
      case Verdict::retry: retry_or_fail(request, response, unreadable); return Next::proceed;
      case Verdict::fail:
        count_failure(request.tag, failure_kind(response, false), failure_detail(response, unreadable));
        return Next::proceed;
      default: fatal_ = stop_error(verdict, response); return Next::stop;
    }
  }

  static std::string failure_detail(const HttpResponse& response, const std::string& unreadable) {
    if (response.too_large) return response.transport_error + ", the --max-response-bytes limit";
    if (!response.transport_error.empty()) return response.transport_error;
    if (!unreadable.empty()) return unreadable + " (" + excerpt(response.body, 80) + ")";
    return service_error_text(response.body);
  }

  // --max-requests: no request beyond it (answers from the store cost nothing and go on).
  bool budget_spent() {
    const auto& c = plan_.config;
    const bool requests_spent = c.max_requests > 0 && out_.requests >= c.max_requests;
    const bool money_spent = c.max_cost > 0 && static_cast<double>(out_.paid_tokens) * c.price_per_mtok / 1e6 >= c.max_cost;
    if (!requests_spent && !money_spent) return false;
    out_.budget_spent = true;
    return true;
  }

  HttpRequest request(std::uint64_t tag, std::string body) {
    HttpRequest r;
    r.tag = tag;
    r.url = plan_.api.url();
    r.body = std::move(body);
    r.headers = plan_.headers;
    r.max_body_bytes = plan_.config.max_response_bytes;
    r.budgeted = true;
    ++out_.requests;
    return r;
  }

  std::string body_for(std::uint64_t tag) {
    const auto position = tag / per_row_;
    const auto vote = static_cast<int>(tag % per_row_);
    auto& slot = slot_of(tag);
    if (rendered_position_ != position || rendered_.empty()) {
      rendered_ = plan_.prompt.render(slot.row.text);
      rendered_position_ = position;
    }
    auto body = vote_request_body(plan_, rendered_, slot.row, vote);
    if (plan_.store != nullptr) slot.keys[tag % per_row_] = make_store_key(plan_.config.api, plan_.config.generation.model, body, vote);
    return body;
  }

  bool answer_from_store(std::uint64_t tag) {
    if (plan_.store == nullptr) return false;
    auto stored = plan_.store->find(slot_of(tag).keys[tag % per_row_]);
    if (!stored) return false;
    ++out_.cached;
    take_answer(tag, *stored);
    return true;
  }

  void take_answer(std::uint64_t tag, const InferenceAnswer& answer) {
    ++out_.answered;
    out_.prompt_tokens += answer.usage.prompt;
    out_.completion_tokens += answer.usage.completion;
    const auto parsed = parse_answer(answer.text, plan_.labels, plan_.config.parser, plan_.config.answer_format);
    if (!parsed.label) {
      ++out_.invalid_answers;
      spdlog::debug("no label in answer: {}", answer.text.substr(0, 120));
    }
    auto& slot = slot_of(tag);
    slot.votes[tag % per_row_] = parsed.label;
    if (!slot.answers.empty()) slot.answers[tag % per_row_] = answer.text;
    settle(tag, VoteStatus::answered);
  }

  void retry_or_fail(const HttpRequest& request, const HttpResponse& response, const std::string& unreadable) {
    const auto kind = failure_kind(response, response.ok());
    auto& attempt = attempts_[request.tag];
    note_consecutive_failure(kind, response);
    if (attempt >= plan_.config.max_retries) {
      attempts_.erase(request.tag);
      count_failure(request.tag, kind, failure_detail(response, unreadable));
      return;
    }
    const RetryHints hints{response.retry_after, response.retry_after_ms, response.ratelimit, response.body};
    const auto delay = retry_delay(attempt, server_requested_wait(hints, seconds_until_http_date),
                                   derive_seed(plan_.config.seed, request.tag, static_cast<std::uint64_t>(attempt)),
                                   Millis(plan_.config.max_retry_wait_ms));
    ++attempt;
    ++out_.retries;
    ++out_.retried[kind];
    spdlog::debug("retry {} of request {} in {} ms after {}", attempt, request.tag, delay.count(), kind);
    retries_.push({Clock::now() + delay, request.tag, request.body});
  }

  // Many failures in a row mean the service is down or overloaded: stop hammering it for a while.
  void note_consecutive_failure(const std::string& kind, const HttpResponse& response) {
    if (++consecutive_failures_ < failures_before_pause) return;
    consecutive_failures_ = 0;
    const auto pause =
        std::min(backoff_delay(pauses_++, derive_seed(plan_.config.seed, out_.requests)), Millis(plan_.config.max_retry_wait_ms));
    paused_until_ = Clock::now() + pause;
    // The first pauses are news; after that the service is known to be down: keep the log short.
    spdlog::log(pauses_ <= 3 ? spdlog::level::warn : spdlog::level::debug,
                "warning: {} requests in a row failed (last: {}{}); pausing {:.1f} s before sending more", failures_before_pause, kind,
                response.transport_error.empty() ? "" : ", " + response.transport_error, static_cast<double>(pause.count()) / 1000.0);
  }

  void count_failure(std::uint64_t tag, const std::string& kind, const std::string& detail) {
    ++out_.failed_requests;
    ++out_.failures[kind];
    if (out_.first_failure.empty()) out_.first_failure = kind + ": " + detail;
    settle(tag, VoteStatus::failed);
  }

  const VotingPlan& plan_;
  RowFeed& feed_;
  const RowSink& sink_;
  CollectedVotes& out_;
  const std::size_t per_row_;
  VoteSchedule schedule_;
  const std::size_t slots_;         // requests in flight at most
  const std::size_t window_limit_;  // rows in the window at most
  std::deque<RowSlot> window_;      // rows first_position() .. end_position() of the schedule
  ProgressLine progress_;
  std::string rendered_;
  std::size_t rendered_position_ = 0;
  std::priority_queue<RetryItem, std::vector<RetryItem>, std::greater<>> retries_;
  std::unordered_map<std::uint64_t, int> attempts_;
  int consecutive_failures_ = 0;
  int pauses_ = 0;
  Clock::time_point paused_until_{};
  std::optional<RunError> fatal_;
};

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
  out.skipped_votes = collector.skipped();
  if (const auto& fatal = collector.fatal()) throw fatal.value();
  return out;
}

}  // namespace synthgen
