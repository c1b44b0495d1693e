// The report and metrics JSON of a pool: one line and one object per endpoint; a run with one
// endpoint keeps its old text and keys.
#include "synthgen/core/report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace synthgen {
namespace {

RunSummary pool_summary(std::size_t endpoints) {
  RunSummary s;
  s.source = "test";
  for (std::size_t i = 0; i < endpoints; ++i)
    s.counts.endpoints.push_back({"http://h" + std::to_string(i) + "/v1", 10 + i, i, 2 * i, static_cast<long>(20 + i)});
  return s;
}

TEST(ReportPool, EachEndpointHasALineAndAnObject) {
  const auto s = pool_summary(2);
  const auto text = format_report(s, sentiment_labels());
  EXPECT_NE(text.find("endpoints   http://h0/v1: 10 requests, 0 failed, 0 refused (429), median 20 ms\n"
                      "            http://h1/v1: 11 requests, 1 failed, 2 refused (429), median 21 ms\n"),
            std::string::npos)
      << text;
  const auto j = nlohmann::json::parse(format_metrics_json(s, sentiment_labels()));
  ASSERT_EQ(j["endpoints"].size(), 2u);
  EXPECT_EQ(j["endpoints"][1], nlohmann::json::parse(R"({"url":"http://h1/v1","requests":11,"failed":1,"refused":2,"median_ms":21})"));
}

TEST(ReportPool, OneEndpointKeepsTheOldOutput) {
  const auto one = pool_summary(1);
  const auto none = pool_summary(0);
  EXPECT_EQ(format_report(one, sentiment_labels()), format_report(none, sentiment_labels()));
  EXPECT_EQ(format_metrics_json(one, sentiment_labels()), format_metrics_json(none, sentiment_labels()));
  EXPECT_FALSE(nlohmann::json::parse(format_metrics_json(one, sentiment_labels())).contains("endpoints"));
}

}  // namespace
}  // namespace synthgen
