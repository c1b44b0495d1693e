// The shard's part: what is written is read back (rows, votes, statuses, answers, counts), a part
// cut short is refused, and the fingerprint changes with what changes the labels only.
#include "synthgen/app/shard_part.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.hpp"

namespace synthgen {
namespace {

using ShardPartTest = testing::TempDir;

ShardHeader header() {
  return {{1, 3}, "f00d", 4, 8, 12, 2264, 12, 42, {"negative", "neutral", "positive"}, true, AnswerFormat::label_word, "the local file x"};
}

TEST_F(ShardPartTest, WhatIsWrittenIsReadBack) {
  const auto path = (dir_ / "part.csv.shard.jsonl").string();
  {
    ShardPartWriter writer(path, header());
    const Row row{17, "Sales \"rose\"\nsharply", 2};
    const std::vector<std::optional<LabelId>> votes{2, std::nullopt, 0};
    const std::vector<VoteStatus> status{VoteStatus::answered, VoteStatus::failed, VoteStatus::answered};
    const std::vector<std::string> answers{"positive", "", "{\"label\": \"negative\"}"};
    writer.add(RowVotes{row, votes, status, answers});
    const Row unlabeled{18, "x", std::nullopt};
    const std::vector<std::optional<LabelId>> one{1};
    const std::vector<VoteStatus> answered{VoteStatus::answered};
    writer.add(RowVotes{unlabeled, one, answered, {}});
    RequestCounts counts;
    counts.requests = 5;
    counts.failures["http_500"] = 1;
    counts.prompt_tokens = 900;
    writer.finish({counts, 2.5, 2.0});
    ASSERT_TRUE(writer.file().commit());
  }
  auto reader = ShardPartReader::open(path);
  ASSERT_TRUE(reader) << reader.error();
  const auto& h = reader->header();
  EXPECT_EQ(h.shard.index, 1U);
  EXPECT_EQ(h.shard.count, 3U);
  EXPECT_EQ(h.fingerprint, "f00d");
  EXPECT_EQ(h.first, 4U);
  EXPECT_EQ(h.labels.size(), 3U);
  EXPECT_TRUE(h.with_confidence);
  EXPECT_EQ(h.answer_format, AnswerFormat::label_word);
  auto first = reader->next_row();
  ASSERT_TRUE(first && *first != nullptr) << (first ? "" : first.error());
  const StoredRow kept = **first;  // the reader reuses its storage for the next row
  EXPECT_EQ(kept.row.index, 17U);
  EXPECT_EQ(kept.row.text, "Sales \"rose\"\nsharply");
  EXPECT_EQ(kept.row.gold, 2);
  EXPECT_EQ(kept.votes[1], std::nullopt);
  EXPECT_EQ(kept.status[1], VoteStatus::failed);
  EXPECT_EQ(kept.answers[2], "{\"label\": \"negative\"}");
  auto second = reader->next_row();
  ASSERT_TRUE(second && *second != nullptr);
  EXPECT_FALSE((*second)->row.gold);
  EXPECT_TRUE((*second)->answers.empty());
  auto end = reader->next_row();
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, nullptr);
  EXPECT_EQ(reader->trailer().counts.requests, 5U);
  EXPECT_EQ(reader->trailer().counts.failures.at("http_500"), 1U);
  EXPECT_EQ(reader->trailer().counts.prompt_tokens, 900);
  EXPECT_DOUBLE_EQ(reader->trailer().wall_s, 2.5);
}

TEST_F(ShardPartTest, APartCutShortIsRefused) {
  const auto path = (dir_ / "part.shard.jsonl").string();
  {
    ShardPartWriter writer(path, header());
    ASSERT_TRUE(writer.file().commit());  // no trailer: a task killed before its end
  }
  auto reader = ShardPartReader::open(path);
  ASSERT_TRUE(reader) << reader.error();
  const auto row = reader->next_row();
  ASSERT_FALSE(row);
  EXPECT_NE(row.error().find("without its last line"), std::string::npos) << row.error();
}

TEST_F(ShardPartTest, WhatIsNoPartIsRefusedWithItsName) {
  const auto path = (dir_ / "other.jsonl").string();
  std::ofstream(path) << "{\"text\": \"a row of a dataset\"}\n";
  const auto reader = ShardPartReader::open(path);
  ASSERT_FALSE(reader);
  EXPECT_NE(reader.error().find(path + ":1:"), std::string::npos) << reader.error();
  EXPECT_FALSE(ShardPartReader::open((dir_ / "missing").string()));
  EXPECT_EQ(shard_part_path("out/part-3.csv"), "out/part-3.csv.shard.jsonl");
}

TEST(RunFingerprint, ChangesWithWhatChangesTheLabelsOnly) {
  RunConfig c;
  c.dataset = "d";
  c.subset = "s";
  c.split = "train";
  c.generation.model = "m";
  const auto prompt = PromptTemplate::builtin("cot");
  ASSERT_TRUE(prompt);
  const auto base = run_fingerprint(c, *prompt, 100);
  EXPECT_EQ(base.size(), 64U);
  auto other = c;
  other.output = "elsewhere.csv";
  other.concurrency = 3;
  other.shard = {2, 4};
  EXPECT_EQ(run_fingerprint(other, *prompt, 100), base) << "where it writes, how fast, which shard: same run";
  EXPECT_NE(run_fingerprint(c, *prompt, 101), base);
  other = c;
  other.seed = 43;
  EXPECT_NE(run_fingerprint(other, *prompt, 100), base);
  other = c;
  other.generation.temperature = 0.5;
  EXPECT_NE(run_fingerprint(other, *prompt, 100), base);
  other = c;
  other.votes = 5;
  EXPECT_NE(run_fingerprint(other, *prompt, 100), base);
  EXPECT_NE(run_fingerprint(c, *PromptTemplate::builtin("simple"), 100), base);
}

}  // namespace
}  // namespace synthgen
