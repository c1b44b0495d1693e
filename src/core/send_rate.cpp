// The send rate's phases: unlimited -> probing -> measuring -> cruising, and back to measuring at
// each new refusal. The clock only moves forward through the times the caller passes in.
#include "synthgen/core/send_rate.hpp"

#include <algorithm>
#include <cmath>

#include "synthgen/core/random.hpp"

namespace synthgen {
namespace {

using Seconds = std::chrono::duration<double>;

constexpr double max_per_s = 1e6;
constexpr double jitter_share = 0.1;                // a send spends 0.9 to 1.1 tokens
constexpr Seconds own_burst{0.02};                  // the own bucket holds 20 ms of sends (at least one)
constexpr Millis min_step{50};                      // a probing step, and half the shortest measurement
constexpr Millis longest_measurement{2000};         // a slow limit is measured over 2 s at most
constexpr std::size_t answers_per_measurement = 8;  // ... or until this many answers came
constexpr double latency_weight = 0.1;              // of a new answer in the moving average

double seconds_between(SendRate::Clock::time_point from, SendRate::Clock::time_point to) {
  return std::max(0.0, Seconds(to - from).count());
}

}  // namespace

std::optional<SendRate::Clock::time_point> SendRate::wait_until(Clock::time_point now) {
  advance(now);
  if (held_until_ > now) return held_until_;
  if (phase_ == Phase::unlimited) return std::nullopt;
  refill(now);
  if (tokens_ >= 1.0) return std::nullopt;
  const auto wait = Seconds((1.0 - tokens_) / rate_);
  return now + std::chrono::ceil<std::chrono::microseconds>(wait);
}

void SendRate::on_send(Clock::time_point now) {
  sent_.add(now);
  if (phase_ == Phase::unlimited) return;
  refill(now);
  const double jitter = static_cast<double>(uniform_below(jitter_state_, 2001)) / 1000.0 - 1.0;  // [-1, 1]
  tokens_ -= 1.0 + jitter_share * jitter;
}

void SendRate::on_accepted(Clock::time_point now, Millis latency) {
  accepted_.add(now);
  const auto ms = static_cast<double>(latency.count());
  latency_ms_ = latency_ms_ == 0 ? ms : latency_ms_ + latency_weight * (ms - latency_ms_);
  peak_accepted_ = std::max(peak_accepted_, accepted_per_second(now));
  if (phase_ == Phase::measuring) ++measured_;
  if (phase_ == Phase::probing) rate_ = std::max(rate_, accepted_per_second(now));  // never below what got through
  advance(now);
}

void SendRate::on_refused(Clock::time_point now, Clock::time_point sent) {
  refused_.add(now);
  advance(now);
  if (sent < cut_) return;  // sent at a rate already given up
  switch (phase_) {
    case Phase::unlimited: {
      const double sent_1s = sent_.count(now);
      const double refused_1s = refused_.count(now);
      // A few refusals among many sends are no limit; at the start, five of the first window.
      if (!refusals_matter(refused_1s, sent_1s, 5)) break;
      // Little is known: what was accepted, and what was sent and not (yet) refused, over the last
      // second (refusals come back fast, answers slowly), and half the most ever accepted in a
      // second. Start there and double until refused.
      phase_ = Phase::probing;
      rate_ = std::clamp(std::max({accepted_per_second(now), sent_1s - refused_1s, peak_accepted_ / 2}), min_per_s, max_per_s);
      tokens_ = 0;
      refilled_ = now;
      phase_start_ = now;
      cut_ = now;
      break;
    }
    case Phase::probing:
      // The probe went on doubling while this refusal was on its way, and the server's own burst may
      // have hidden the limit for a while: measure at no more than twice what it accepted over the
      // last second (half the probe's rate when no answer came yet). Refusals there show the limit;
      // none say the probe may go on from there.
      cut_to(std::min(rate_, accepted_per_second(now) > 0 ? 2 * accepted_per_second(now) : rate_ / 2), now);
      start_measuring(now);
      break;
    case Phase::cruising: start_measuring(now); break;
    case Phase::measuring:
      // Requests sent in its first 50 ms may still meet the bucket the probe emptied.
      if (sent >= phase_start_ + min_step) ++refused_while_measuring_;
      break;
  }
}

void SendRate::hold_until(Clock::time_point until) { held_until_ = std::max(held_until_, until); }

std::optional<double> SendRate::per_second() const {
  if (phase_ == Phase::unlimited) return std::nullopt;
  return rate_;
}

std::size_t SendRate::in_flight_needed() const {
  if (phase_ == Phase::unlimited) return 0;
  return static_cast<std::size_t>(std::ceil(rate_ * latency_ms_ / 1000.0 * 1.5)) + 1;
}

double SendRate::accepted_per_second(Clock::time_point now) const { return accepted_.count(now); }

void SendRate::advance(Clock::time_point now) {
  switch (phase_) {
    case Phase::unlimited: return;
    case Phase::probing:
      for (auto length = step(); now - phase_start_ >= length && rate_ < max_per_s; length = step()) {
        refill(phase_start_ + length);
        rate_ = std::min(rate_ * 2, max_per_s);
        phase_start_ += length;
      }
      return;
    case Phase::measuring: {
      const auto elapsed = now - phase_start_;
      // Long enough for the answers to what it sent to come back, and for a count worth having.
      const auto shortest = std::max<Millis>(2 * min_step, 2 * typical_latency());
      if (elapsed < shortest || (measured_ < answers_per_measurement && elapsed < longest_measurement)) return;
      if (refused_while_measuring_ == 0 && from_probe_) {  // all accepted at this rate: the limit is higher
        phase_ = Phase::probing;
        phase_start_ = now;
        return;
      }
      // While it refuses, what the server accepts is its limit: cruise just under it.
      const double accepted = static_cast<double>(measured_) / seconds_between(phase_start_, now);
      cut_to(cruise_share * std::min(rate_, accepted), now);
      phase_ = Phase::cruising;
      cruise_base_ = rate_;
      phase_start_ = now;
      return;
    }
    case Phase::cruising:
      refill(now);
      rate_ = std::min(cruise_base_ * (1.0 + cruise_growth_per_s * seconds_between(phase_start_, now)), max_per_s);
      return;
  }
}

void SendRate::refill(Clock::time_point now) {
  if (now <= refilled_) return;
  const double cap = std::max(1.0, rate_ * own_burst.count());
  tokens_ = std::min(cap, tokens_ + rate_ * seconds_between(refilled_, now));
  refilled_ = now;
}

void SendRate::cut_to(double per_s, Clock::time_point now) {
  refill(now);
  // Never below half the most it ever accepted in a second: a real limit is measured well above
  // that, and a server that refuses a share of requests whatever the pace cannot talk it down to nothing.
  rate_ = std::clamp(std::max(per_s, peak_accepted_ / 2), min_per_s, max_per_s);
  tokens_ = std::min(tokens_, std::max(1.0, rate_ * own_burst.count()));
  cut_ = now;
}

// A probing step: long enough for its answers to come back, and for two sends at its rate.
Millis SendRate::step() const {
  const auto two_sends = Millis(static_cast<std::int64_t>(2000.0 / std::max(rate_, min_per_s)));
  return std::max({min_step, 2 * typical_latency(), two_sends});
}

void SendRate::start_measuring(Clock::time_point now) {
  from_probe_ = phase_ == Phase::probing;
  phase_ = Phase::measuring;
  phase_start_ = now;
  measured_ = 0;
  refused_while_measuring_ = 0;
}

}  // namespace synthgen
