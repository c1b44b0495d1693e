// The progress line's text.
#include "synthgen/app/progress.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

TEST(Progress, ShowsCountsRateAndEta) {
  EXPECT_EQ(format_progress({100, 400, 120, 2, 5}, 10.0), "100/400 answers  12 req/s  2 failed  5 retries  ETA 0:30");
  EXPECT_EQ(format_progress({0, 400, 0, 0, 0}, 0.0), "0/400 answers  0 req/s  0 failed  0 retries  ETA ?");
  EXPECT_EQ(format_progress({1, 7201, 1, 0, 0}, 1.0), "1/7201 answers  1 req/s  0 failed  0 retries  ETA 2:00:00");
}

}  // namespace
}  // namespace synthgen
