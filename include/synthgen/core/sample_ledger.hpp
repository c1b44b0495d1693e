// The guard between the votes and the outputs: before anything is committed, every row of the
// sample must have been decided exactly once, in row order. A run that lost a row is a bug, and
// it must fail loudly (exit 1, nothing written), never write a short file and exit 0.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>

#include "synthgen/core/random.hpp"

namespace synthgen {

class SampleLedger {
 public:
  // `selection` must outlive the ledger (the row feed holds it).
  explicit SampleLedger(const RowSelection& selection) : selection_(&selection) {}

  // The next row decided, by its index in the split.
  void record(std::size_t row_index);

  // Nothing when every sampled row was decided once and in order, and the outputs account for
  // each of them (`labeled` + `no_vote` rows); else what went wrong, for the internal error.
  [[nodiscard]] std::expected<void, std::string> check(std::size_t labeled, std::size_t no_vote) const;

  [[nodiscard]] std::size_t decided() const { return decided_; }

 private:
  const RowSelection* selection_;
  std::size_t decided_ = 0;
  std::optional<std::string> first_wrong_;  // the first row out of place
};

}  // namespace synthgen
