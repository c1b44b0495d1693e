// Events of about the last second, counted in tenths: answers accepted, requests sent or refused
// lately. Pure: the time is passed in.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace synthgen {

class LastSecond {
 public:
  using Clock = std::chrono::steady_clock;

  void add(Clock::time_point now);
  [[nodiscard]] double count(Clock::time_point now) const;

 private:
  static constexpr std::int64_t tenths = 10;
  std::array<std::uint32_t, tenths> by_tenth_{};
  std::int64_t newest_ = 0;  // the tenth of a second of the newest event
};

// Refusals are a pattern, not an accident: at least `fewest` in the last second, and a tenth of the
// sends or more. A few refusals among many sends (an overloaded model, a flaky proxy, injected
// faults) cost less retried than paced away; a limit refuses its whole excess.
inline bool refusals_matter(double refused, double sent, double fewest = 3) { return refused >= fewest && refused >= 0.1 * sent; }

}  // namespace synthgen
