// Deterministic randomness: the same seed gives the same sample, vote seeds and tie-breaks on
// every platform (std::uniform_int_distribution is not portable across standard libraries).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace synthgen {

// splitmix64 step: a fast, well-mixed 64-bit generator.
std::uint64_t splitmix64(std::uint64_t& state);

// One well-mixed value from a base seed and two coordinates (e.g. row index and vote index).
std::uint64_t derive_seed(std::uint64_t base, std::uint64_t a, std::uint64_t b = 0);

// The seed sent with one vote's request: in [0, 2^31) so every server's integer type holds it.
std::uint32_t vote_seed(std::uint64_t run_seed, std::uint64_t row_index, std::uint64_t vote_index);

// Uniform in [0, bound) without modulo bias; bound > 0.
std::uint64_t uniform_below(std::uint64_t& state, std::uint64_t bound);

// Which rows of a split of `total` rows a run labels: every row, or a seeded sample, in row order.
// Every row takes no memory, so a run over all of a large split holds nothing per row.
// A shard (--shard K/N) is a contiguous range [first, last) of the sample's positions.
struct RowSelection {
  std::size_t total = 0;
  std::vector<std::size_t> picked;  // increasing; empty: every row
  std::size_t first = 0;            // the shard's first position in the sample
  std::size_t last = SIZE_MAX;      // one past its last (clipped to the sample)

  [[nodiscard]] bool all() const { return picked.empty(); }
  [[nodiscard]] std::size_t sample_size() const { return all() ? total : picked.size(); }
  [[nodiscard]] std::size_t size() const { return std::min(last, sample_size()) - std::min(first, sample_size()); }
  // The row index of the shard's k-th row.
  [[nodiscard]] std::size_t at(std::size_t k) const { return all() ? first + k : picked[first + k]; }
  // Whether a row of [from, to) is selected.
  [[nodiscard]] bool any_in(std::size_t from, std::size_t to) const;
};

// `n` distinct rows of [0, total) by a partial Fisher-Yates shuffle; n >= total (or n == 0) is
// every row. Memory grows with n, not with total.
RowSelection select_rows(std::size_t total, std::size_t n, std::uint64_t seed);

}  // namespace synthgen
