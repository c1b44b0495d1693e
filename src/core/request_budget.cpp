// The run's spending limits, checked before every request.
#include "synthgen/core/request_budget.hpp"

#include <fmt/format.h>

namespace synthgen {

bool RequestBudget::allows(std::size_t requests, long paid_tokens) {
  if (spent_) return false;
  const bool requests_spent = max_requests_ > 0 && requests >= max_requests_;
  const bool money_spent = max_cost_ > 0 && cost(paid_tokens) >= max_cost_;
  spent_ = requests_spent || money_spent;
  return !spent_;
}

std::string RequestBudget::limit_reached(std::size_t requests, long paid_tokens) const {
  if (max_requests_ > 0 && requests >= max_requests_) return "--max-requests " + std::to_string(max_requests_);
  return fmt::format("--max-cost {} ({} tokens at {} per million)", max_cost_, paid_tokens, price_per_mtok_);
}

}  // namespace synthgen
