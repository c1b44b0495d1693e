// The provenance record: every key in the metrics JSON and the HTML report's header block, the
// endpoint's password never, and the record read back as a shard's part holds it.
#include "synthgen/core/provenance.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "synthgen/core/html_report.hpp"
#include "synthgen/core/report.hpp"
#include "test_support.hpp"

namespace synthgen {
namespace {

using testing::env_of;

RunConfig config_with(FlagValues flags) {
  auto config = make_run_config(merge_settings(option_table(), env_of({}), flags));
  EXPECT_TRUE(config) << config.error();
  return *config;
}

const ProvenanceFacts facts{"0.1.0", "2026-12-01T09:30:00Z", "the local file rows.csv", "ab12", "cd34"};

TEST(Provenance, EveryKeyInTheMetricsJson) {
  RunSummary s;
  s.source = "test";
  s.provenance = make_provenance(config_with({{"endpoint", "http://user:s3cret-pass@h:8000/v1"}, {"test-size", "0.2"}}), facts);
  const auto text = format_metrics_json(s, sentiment_labels());
  const auto j = nlohmann::json::parse(text).at("provenance");
  for (const char* key : {"synthgen_version", "created", "dataset",  "config",        "split",       "source", "data_sha256", "model",
                          "endpoint",         "api",     "prompt",   "prompt_sha256", "temperature", "top_p",  "max_tokens",  "votes",
                          "early_stop",       "seed",    "n_sample", "test_size",     "parser"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["created"], "2026-12-01T09:30:00Z");
  EXPECT_EQ(j["dataset"], "takala/financial_phrasebank");
  EXPECT_EQ(j["config"], "sentences_allagree");
  EXPECT_EQ(j["prompt"], "cot");
  EXPECT_EQ(j["test_size"], "0.2");
  EXPECT_EQ(j["endpoint"], "http://***@h:8000/v1");
  EXPECT_EQ(text.find("s3cret-pass"), std::string::npos);
  const auto html = format_html_report(s, sentiment_labels(), LabelTally(3), ReviewTable(sentiment_labels(), AnswerFormat::json_object));
  EXPECT_NE(html.find("<table class=\"provenance\">"), std::string::npos);
  EXPECT_NE(html.find("prompt_sha256"), std::string::npos);
  EXPECT_EQ(html.find("s3cret-pass"), std::string::npos);
}

TEST(Provenance, UnknownChecksumLeftOutALocalFileHasNoConfig) {
  auto f = facts;
  f.data_sha256.clear();
  const auto j = provenance_json(make_provenance(config_with({{"input", "rows.csv"}, {"labels", "a,b"}}), f));
  EXPECT_FALSE(j.contains("data_sha256"));
  EXPECT_EQ(j["dataset"], "rows.csv");
  EXPECT_TRUE(j["config"].is_null());
  EXPECT_EQ(j["test_size"], "0");
}

TEST(Provenance, ReadBackAsAPartHoldsIt) {
  const auto p = make_provenance(config_with({{"votes", "5"}, {"seed", "7"}}), facts);
  const auto back = provenance_from_json(nlohmann::json::parse(provenance_json(p).dump()));
  EXPECT_EQ(provenance_json(back).dump(), provenance_json(p).dump());
}

TEST(Provenance, NoneWithoutIt) {
  RunSummary s;
  EXPECT_FALSE(nlohmann::json::parse(format_metrics_json(s, sentiment_labels())).contains("provenance"));
}

}  // namespace
}  // namespace synthgen
