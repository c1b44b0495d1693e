// Seeded sampling and seed derivation: reproducible, distinct where they must be, unbiased enough.
#include "synthgen/core/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <utility>

namespace synthgen {
namespace {

std::vector<std::size_t> sample_indices(std::size_t total, std::size_t n, std::uint64_t seed) {
  const auto selection = select_rows(total, n, seed);
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < selection.size(); ++k) out.push_back(selection.at(k));
  return out;
}

TEST(SampleIndices, SameSeedSameSampleSortedAndDistinct) {
  const auto a = sample_indices(2264, 100, 42);
  const auto b = sample_indices(2264, 100, 42);
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.size(), 100u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(std::set<std::size_t>(a.begin(), a.end()).size(), 100u);
  EXPECT_LT(a.back(), 2264u);
}

TEST(SampleIndices, OtherSeedOtherSample) { EXPECT_NE(sample_indices(2264, 100, 42), sample_indices(2264, 100, 43)); }

TEST(SampleIndices, ZeroOrTooManyMeansAllWithNothingStored) {
  EXPECT_EQ(sample_indices(5, 0, 1), (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(sample_indices(5, 9, 1), (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(sample_indices(0, 3, 1).empty());
  const auto every = select_rows(1'000'000'000, 0, 1);
  EXPECT_TRUE(every.all());
  EXPECT_TRUE(every.picked.empty()) << "every row of a huge split needs no index list";
  EXPECT_EQ(every.size(), 1'000'000'000u);
  EXPECT_EQ(every.at(123), 123u);
}

// The reference: a partial Fisher-Yates over the whole index vector.
std::vector<std::size_t> reference_sample(std::size_t total, std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> indices(total);
  for (std::size_t i = 0; i < total; ++i) indices[i] = i;
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < n; ++i) std::swap(indices[i], indices[i + uniform_below(state, total - i)]);
  indices.resize(n);
  std::sort(indices.begin(), indices.end());
  return indices;
}

TEST(SampleIndices, SparseAndDenseShufflesBothMatchTheReference) {
  // n < total / 8 takes the sparse path, larger samples the dense one.
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    for (const auto& [total, n] : {std::pair<std::size_t, std::size_t>{10'000, 7}, {10'000, 1249}, {10'000, 1250}, {64, 63}, {9, 1}}) {
      EXPECT_EQ(sample_indices(total, n, seed), reference_sample(total, n, seed)) << total << " " << n << " " << seed;
    }
  }
}

TEST(Splitmix64, MatchesTheReferenceGenerator) {
  std::uint64_t state = 0;
  EXPECT_EQ(splitmix64(state), 0xE220A8397B1DCDAFULL);  // first output of the reference splitmix64 from 0
}

TEST(SampleIndices, PinnedSampleStaysTheSameAcrossReleases) {
  // A changed sampler would silently change every user's sample.
  EXPECT_EQ(sample_indices(1000, 5, 7), (std::vector<std::size_t>{212, 487, 720, 727, 842}));
}

TEST(SampleIndices, EveryRowCanBeChosen) {
  std::set<std::size_t> seen;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    for (const auto i : sample_indices(10, 2, seed)) seen.insert(i);
  }
  EXPECT_EQ(seen.size(), 10u);
}

TEST(VoteSeed, DistinctPerVoteAndRowAndWithinIntRange) {
  std::set<std::uint32_t> seeds;
  for (std::uint64_t row = 0; row < 100; ++row) {
    for (std::uint64_t vote = 0; vote < 3; ++vote) {
      const auto s = vote_seed(42, row, vote);
      EXPECT_LT(s, 1u << 31);
      seeds.insert(s);
    }
  }
  EXPECT_EQ(seeds.size(), 300u);
  EXPECT_EQ(vote_seed(42, 5, 1), vote_seed(42, 5, 1));
  EXPECT_NE(vote_seed(42, 5, 1), vote_seed(43, 5, 1));
}

TEST(UniformBelow, StaysInRange) {
  std::uint64_t state = 1;
  for (int i = 0; i < 1000; ++i) EXPECT_LT(uniform_below(state, 7), 7u);
}

}  // namespace
}  // namespace synthgen
