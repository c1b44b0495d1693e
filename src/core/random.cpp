// splitmix64-based seeds and a seeded sample (partial Fisher-Yates, sparse for a small sample).
#include "synthgen/core/random.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_map>

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

namespace {

// Positions [0, total) of which only the swapped ones are stored: a shuffle of a few rows of a
// huge split costs memory for the few.
class SparsePermutation {
 public:
  std::size_t at(std::size_t i) const {
    const auto it = moved_.find(i);
    return it == moved_.end() ? i : it->second;
  }
  void swap(std::size_t i, std::size_t j) {
    const auto a = at(i);
    const auto b = at(j);
    moved_[i] = b;
    moved_[j] = a;
  }

 private:
  std::unordered_map<std::size_t, std::size_t> moved_;
};

// The same shuffle over a full index vector: cheaper when the sample is a large part of the split.
class DensePermutation {
 public:
  explicit DensePermutation(std::size_t total) : indices_(total) { std::iota(indices_.begin(), indices_.end(), std::size_t{0}); }
  std::size_t at(std::size_t i) const { return indices_[i]; }
  void swap(std::size_t i, std::size_t j) { std::swap(indices_[i], indices_[j]); }

 private:
  std::vector<std::size_t> indices_;
};

template <typename Permutation>
std::vector<std::size_t> first_of_shuffle(Permutation permutation, std::size_t total, std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> picked;
  picked.reserve(n);
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < n; ++i) {
    permutation.swap(i, i + static_cast<std::size_t>(uniform_below(state, total - i)));
    picked.push_back(permutation.at(i));
  }
  std::sort(picked.begin(), picked.end());
  return picked;
}

}  // namespace

RowSelection select_rows(std::size_t total, std::size_t n, std::uint64_t seed) {
  if (n == 0 || n >= total) return {total, {}};
  if (n >= total / 8) return {total, first_of_shuffle(DensePermutation(total), total, n, seed)};
  return {total, first_of_shuffle(SparsePermutation(), total, n, seed)};
}

bool RowSelection::any_in(std::size_t from, std::size_t to) const {
  if (from >= to || size() == 0) return false;
  // at() increases with k: the first selected row at or after `from`.
  std::size_t low = 0;
  std::size_t high = size();
  while (low < high) {
    const auto mid = low + (high - low) / 2;
    if (at(mid) < from) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low < size() && at(low) < to;
}

}  // namespace synthgen
