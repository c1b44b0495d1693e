// --max-requests and --max-cost: whether the run may send one more request, and how to say which
// limit stopped it. Answers from the store cost nothing and never count.
#pragma once

#include <cstddef>
#include <string>

#include "synthgen/core/run_config.hpp"

namespace synthgen {

class RequestBudget {
 public:
  explicit RequestBudget(const RunConfig& config)
      : max_requests_(config.max_requests), max_cost_(config.max_cost), price_per_mtok_(config.price_per_mtok) {}

  // False once `requests` sent or `paid_tokens` billed reach a limit; then spent() stays true.
  bool allows(std::size_t requests, long paid_tokens);
  [[nodiscard]] bool spent() const { return spent_; }
  // "--max-requests 5" or "--max-cost 0.01 (12000 tokens at 0.6 per million)".
  [[nodiscard]] std::string limit_reached(std::size_t requests, long paid_tokens) const;

 private:
  [[nodiscard]] double cost(long paid_tokens) const { return static_cast<double>(paid_tokens) * price_per_mtok_ / 1e6; }

  std::size_t max_requests_;
  double max_cost_;
  double price_per_mtok_;
  bool spent_ = false;
};

}  // namespace synthgen
