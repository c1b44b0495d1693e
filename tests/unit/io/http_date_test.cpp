// HTTP dates, as a Retry-After header may carry them.
#include "synthgen/io/http_date.hpp"

#include <gtest/gtest.h>

namespace synthgen {
namespace {

TEST(HttpDate, APastDateIsNegativeAndAFarOneIsPositive) {
  const auto past = seconds_until_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(past);
  EXPECT_LT(*past, 0);
  const auto future = seconds_until_http_date("Fri, 31 Dec 2100 23:59:59 GMT");
  ASSERT_TRUE(future);
  EXPECT_GT(*future, 0);
}

TEST(HttpDate, TheObsoleteFormatsAreReadToo) {
  EXPECT_TRUE(seconds_until_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));
  EXPECT_TRUE(seconds_until_http_date("Sun Nov  6 08:49:37 1994"));
}

TEST(HttpDate, NoDateIsNothing) {
  EXPECT_FALSE(seconds_until_http_date("soon"));
  EXPECT_FALSE(seconds_until_http_date(""));
}

}  // namespace
}  // namespace synthgen
