// --shard: K/N parsed, K and N read from each scheduler's variables (values as Slurm 22.05 sets
// them, read off a real array by scripts/slurm-local.sh's self-test), and ranges that cover the
// sample exactly once whatever its size and the number of shards.
#include "synthgen/core/shard.hpp"

#include <gtest/gtest.h>

#include "synthgen/core/random.hpp"
#include "test_support.hpp"

namespace synthgen {
namespace {

using testing::env_of;

const auto no_env = env_of({});

TEST(Shard, KOfN) {
  const auto shard = resolve_shard("2/4", no_env);
  ASSERT_TRUE(shard) << shard.error();
  EXPECT_EQ(shard->index, 2U);
  EXPECT_EQ(shard->count, 4U);
  EXPECT_TRUE(shard->sharded());
  EXPECT_FALSE(resolve_shard("0/1", no_env)->sharded());
  EXPECT_EQ(resolve_shard("", no_env)->count, 1U) << "no --shard: the whole run";
}

TEST(Shard, RefusesWhatIsNotKOfN) {
  for (const char* bad : {"4/4", "5/4", "1/0", "0/0", "-1/4", "1", "a/b", "1/4/2", "1 /4", "/4", "1/"}) {
    const auto shard = resolve_shard(bad, no_env);
    EXPECT_FALSE(shard) << bad;
    if (!shard) EXPECT_NE(shard.error().find("--shard"), std::string::npos) << shard.error();
  }
}

// sbatch --array=0-3, task 2; --array=1-4, task 3; --array=0-6:2, task 4 (each K = 2 of 4).
TEST(Shard, SlurmArraysAsSlurmSetsThem) {
  struct Case {
    const char *id, *min, *max, *step, *count;
  };
  for (const auto& c : {Case{"2", "0", "3", "1", "4"}, Case{"3", "1", "4", "1", "4"}, Case{"4", "0", "6", "2", "4"}}) {
    const auto shard = resolve_shard("auto", env_of({{"SLURM_ARRAY_TASK_ID", c.id},
                                                     {"SLURM_ARRAY_TASK_MIN", c.min},
                                                     {"SLURM_ARRAY_TASK_MAX", c.max},
                                                     {"SLURM_ARRAY_TASK_STEP", c.step},
                                                     {"SLURM_ARRAY_TASK_COUNT", c.count}}));
    ASSERT_TRUE(shard) << shard.error();
    EXPECT_EQ(shard->index, 2U) << c.id;
    EXPECT_EQ(shard->count, 4U);
  }
}

TEST(Shard, RefusesASlurmListItCannotPlace) {
  // --array=0,2,5: Slurm sets STEP 1, COUNT 3, MAX 5; task 5's place cannot be told.
  const auto shard = resolve_shard("auto", env_of({{"SLURM_ARRAY_TASK_ID", "5"},
                                                   {"SLURM_ARRAY_TASK_MIN", "0"},
                                                   {"SLURM_ARRAY_TASK_MAX", "5"},
                                                   {"SLURM_ARRAY_TASK_STEP", "1"},
                                                   {"SLURM_ARRAY_TASK_COUNT", "3"}}));
  ASSERT_FALSE(shard);
  EXPECT_NE(shard.error().find("range"), std::string::npos) << shard.error();
  EXPECT_FALSE(resolve_shard("auto", env_of({{"SLURM_ARRAY_TASK_ID", "1"}}))) << "no COUNT";
  EXPECT_FALSE(resolve_shard("auto", env_of({{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "2"}})));
}

TEST(Shard, KubernetesAwsAndTheVariableOfOurOwn) {
  auto k8s = resolve_shard("auto", env_of({{"JOB_COMPLETION_INDEX", "3"}, {"SYNTHGEN_SHARD_COUNT", "5"}}));
  ASSERT_TRUE(k8s) << k8s.error();
  EXPECT_EQ(k8s->index, 3U);
  EXPECT_EQ(k8s->count, 5U);
  const auto no_count = resolve_shard("auto", env_of({{"JOB_COMPLETION_INDEX", "3"}}));
  ASSERT_FALSE(no_count);
  EXPECT_NE(no_count.error().find("SYNTHGEN_SHARD_COUNT"), std::string::npos);
  auto aws = resolve_shard("auto", env_of({{"AWS_BATCH_JOB_ARRAY_INDEX", "0"}, {"AWS_BATCH_JOB_ARRAY_SIZE", "2"}}));
  ASSERT_TRUE(aws) << aws.error();
  EXPECT_EQ(aws->count, 2U);
  EXPECT_FALSE(resolve_shard("auto", env_of({{"AWS_BATCH_JOB_ARRAY_INDEX", "2"}, {"AWS_BATCH_JOB_ARRAY_SIZE", "2"}})));
  auto own = resolve_shard("auto", env_of({{"SYNTHGEN_SHARD", "1/3"}}));
  ASSERT_TRUE(own) << own.error();
  EXPECT_EQ(own->index, 1U);
  EXPECT_TRUE(
      resolve_shard("auto", env_of({{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_COUNT", "2"}, {"SYNTHGEN_SHARD", "1/3"}}))->count == 2)
      << "a scheduler comes first";
}

TEST(Shard, NoSchedulerNamesEveryVariableLookedFor) {
  const auto shard = resolve_shard("auto", no_env);
  ASSERT_FALSE(shard);
  for (const char* name :
       {"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "SYNTHGEN_SHARD_COUNT", "AWS_BATCH_JOB_ARRAY_INDEX", "SYNTHGEN_SHARD"})
    EXPECT_NE(shard.error().find(name), std::string::npos) << name;
}

TEST(ShardRange, CoversTheSampleOnceInOrder) {
  // Property: for every size and shard count, the ranges are contiguous, in order, and cover
  // [0, size) exactly; sizes differ by one at most.
  for (std::size_t size : {0UL, 1UL, 2UL, 3UL, 7UL, 100UL, 2264UL, 1000003UL}) {
    for (std::size_t n = 1; n <= 9; ++n) {
      std::size_t next = 0;
      std::size_t smallest = SIZE_MAX;
      std::size_t largest = 0;
      for (std::size_t k = 0; k < n; ++k) {
        const auto r = shard_range(size, {k, n});
        EXPECT_EQ(r.first, next) << size << " " << k << "/" << n;
        EXPECT_LE(r.first, r.last);
        smallest = std::min(smallest, r.last - r.first);
        largest = std::max(largest, r.last - r.first);
        next = r.last;
      }
      EXPECT_EQ(next, size) << size << " rows in " << n;
      EXPECT_LE(largest - smallest, 1U);
    }
  }
  const auto huge = shard_range(SIZE_MAX / 2, {3, 7});
  EXPECT_GT(huge.last, huge.first) << "no overflow";
}

TEST(RowSelectionShard, AtAndAnyInSeeOnlyTheShard) {
  auto sample = select_rows(1000, 10, 42);
  const auto whole = sample;
  sample.first = 3;
  sample.last = 7;
  ASSERT_EQ(sample.size(), 4U);
  for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(sample.at(k), whole.at(k + 3));
  EXPECT_TRUE(sample.any_in(whole.at(3), whole.at(3) + 1));
  EXPECT_FALSE(sample.any_in(whole.at(2), whole.at(2) + 1)) << "the row before the shard";
  EXPECT_FALSE(sample.any_in(whole.at(7), whole.at(7) + 1)) << "the row after it";
  auto all = select_rows(50, 0, 1);
  all.first = 10;
  all.last = 20;
  EXPECT_EQ(all.size(), 10U);
  EXPECT_EQ(all.at(0), 10U);
  EXPECT_TRUE(all.any_in(19, 25));
  EXPECT_FALSE(all.any_in(20, 50));
  EXPECT_FALSE(all.any_in(0, 10));
  all.first = all.last = 50;
  EXPECT_EQ(all.size(), 0U) << "an empty shard";
  EXPECT_FALSE(all.any_in(0, 50));
}

}  // namespace
}  // namespace synthgen
