// splitmix64-based seeds and a seeded sample (partial Fisher-Yates over an index vector).
#include "synthgen/core/random.hpp"

#include <algorithm>
#include <numeric>

namespace synthgen {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t derive_seed(std::uint64_t base, std::uint64_t a, std::uint64_t b) {
  std::uint64_t state = base;
  std::uint64_t mixed = splitmix64(state);
  state = mixed ^ a;
  mixed = splitmix64(state);
  state = mixed ^ b;
  return splitmix64(state);
}

std::uint32_t vote_seed(std::uint64_t run_seed, std::uint64_t row_index, std::uint64_t vote_index) {
  return static_cast<std::uint32_t>(derive_seed(run_seed, row_index, vote_index) >> 33);
}

std::uint64_t uniform_below(std::uint64_t& state, std::uint64_t bound) {
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  std::uint64_t value = splitmix64(state);
  while (value >= limit) value = splitmix64(state);
  return value % bound;
}

std::vector<std::size_t> sample_indices(std::size_t total, std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> indices(total);
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  if (n == 0 || n >= total) return indices;
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < n; ++i) {
    const auto j = i + static_cast<std::size_t>(uniform_below(state, total - i));
    std::swap(indices[i], indices[j]);
  }
  indices.resize(n);
  std::sort(indices.begin(), indices.end());
  return indices;
}

}  // namespace synthgen
