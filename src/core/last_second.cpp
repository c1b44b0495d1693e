// A ring of ten tenths of a second; a tenth is cleared when the clock comes round to it again.
#include "synthgen/core/last_second.hpp"

#include <algorithm>

namespace synthgen {
namespace {

std::int64_t tenth_of_second(LastSecond::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() / 100;
}

}  // namespace

void LastSecond::add(Clock::time_point now) {
  const auto tick = tenth_of_second(now);
  if (tick > newest_) {
    for (auto t = std::max(newest_ + 1, tick - tenths + 1); t <= tick; ++t) by_tenth_[static_cast<std::size_t>(t % tenths)] = 0;
    newest_ = tick;
  }
  if (tick > newest_ - tenths) ++by_tenth_[static_cast<std::size_t>(tick % tenths)];
}

double LastSecond::count(Clock::time_point now) const {
  const auto tick = tenth_of_second(now);
  double sum = 0;
  for (std::int64_t i = 0; i < tenths; ++i) {
    const auto t = newest_ - i;
    if (t > tick - tenths && t <= tick) sum += by_tenth_[static_cast<std::size_t>(t % tenths)];
  }
  return sum;
}

}  // namespace synthgen
