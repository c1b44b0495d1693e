// choose_endpoint: only available endpoints, the fewest in flight among equals, latency weighing,
// refusals penalizing, and the spread it makes when requests keep coming.
#include "synthgen/core/endpoint_choice.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace synthgen {
namespace {

TEST(EndpointChoice, NoneAvailableIsNothing) {
  const std::vector<EndpointLoad> loads{{false, 0, 10, 0}, {false, 0, 10, 0}};
  EXPECT_FALSE(choose_endpoint(loads).has_value());
  EXPECT_FALSE(choose_endpoint(std::vector<EndpointLoad>{}).has_value());
}

TEST(EndpointChoice, AnUnavailableEndpointIsNeverChosenHoweverFast) {
  const std::vector<EndpointLoad> loads{{false, 0, 1, 0}, {true, 50, 500, 0.5}};
  EXPECT_EQ(choose_endpoint(loads), 1u);
}

TEST(EndpointChoice, FewerInFlightWinsAtEqualLatency) {
  const std::vector<EndpointLoad> loads{{true, 10, 50, 0}, {true, 2, 50, 0}, {true, 5, 50, 0}};
  EXPECT_EQ(choose_endpoint(loads), 1u);
}

TEST(EndpointChoice, LatencyWeighsTheQueue) {
  // 6 x 20 = 120 ms beats 1 x 200 ms; 11 x 20 = 220 ms does not.
  EXPECT_EQ(choose_endpoint(std::vector<EndpointLoad>{{true, 5, 20, 0}, {true, 0, 200, 0}}), 0u);
  EXPECT_EQ(choose_endpoint(std::vector<EndpointLoad>{{true, 10, 20, 0}, {true, 0, 200, 0}}), 1u);
}

TEST(EndpointChoice, RefusalsMakeAnEndpointLookSlower) {
  EXPECT_EQ(choose_endpoint(std::vector<EndpointLoad>{{true, 1, 50, 0.5}, {true, 1, 50, 0}}), 1u);
  EXPECT_DOUBLE_EQ(expected_wait_ms({true, 1, 50, 0.5}, 1), 2 * 50 * 5.5);
}

TEST(EndpointChoice, AnUnmeasuredEndpointCountsAsTheFastest) {
  // 4 x 20 ms for the measured one against 1 x 20 ms for the one with no answer yet.
  EXPECT_EQ(choose_endpoint(std::vector<EndpointLoad>{{true, 3, 20, 0}, {true, 0, 0, 0}}), 1u);
  // Nothing measured at all: the fewest in flight, the first of equals.
  EXPECT_EQ(choose_endpoint(std::vector<EndpointLoad>{{true, 1, 0, 0}, {true, 0, 0, 0}, {true, 0, 0, 0}}), 1u);
}

// A retry goes elsewhere than where it failed while another endpoint has room, however slower.
TEST(EndpointChoice, AnAvoidedEndpointOnlyWhenNoOtherIsAvailable) {
  std::vector<EndpointLoad> loads{{true, 0, 10, 0}, {true, 5, 500, 0}};
  EXPECT_EQ(choose_endpoint(loads, 0), 1u);
  EXPECT_EQ(choose_endpoint(loads, 1), 0u);
  loads[1].available = false;
  EXPECT_EQ(choose_endpoint(loads, 0), 0u);
}

// Requests that keep coming fill the endpoints in proportion to their speed: 10 ms against 40 ms
// gives the fast one four times as many in flight.
TEST(EndpointChoice, SpreadsInProportionToSpeed) {
  std::vector<EndpointLoad> loads{{true, 0, 10, 0}, {true, 0, 40, 0}};
  for (int i = 0; i < 100; ++i) ++loads[*choose_endpoint(loads)].in_flight;
  EXPECT_EQ(loads[0].in_flight + loads[1].in_flight, 100u);
  EXPECT_NEAR(static_cast<double>(loads[0].in_flight) / static_cast<double>(loads[1].in_flight), 4.0, 0.3);
}

// An endpoint at its limit is skipped, so the others take what it cannot.
TEST(EndpointChoice, AFullEndpointLeavesTheRestToTheOthers) {
  std::vector<EndpointLoad> loads{{true, 0, 10, 0}, {true, 0, 200, 0}};
  const std::size_t fast_limit = 4;
  std::vector<std::size_t> sent(2);
  for (int i = 0; i < 10; ++i) {
    loads[0].available = loads[0].in_flight < fast_limit;
    const auto chosen = *choose_endpoint(loads);
    ++loads[chosen].in_flight;
    ++sent[chosen];
  }
  EXPECT_EQ(sent[0], fast_limit);
  EXPECT_EQ(sent[1], 6u);
}

}  // namespace
}  // namespace synthgen
