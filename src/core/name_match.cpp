// Closest names by edit distance, for "did you mean" lists (models an endpoint serves).
#include "synthgen/core/name_match.hpp"

#include <algorithm>
#include <numeric>

#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

std::string_view after_owner(std::string_view name) {
  const auto slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const auto la = to_lower_ascii(a);
  const auto lb = to_lower_ascii(b);
  std::vector<std::size_t> row(lb.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= la.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= lb.size(); ++j) {
      const auto above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (la[i - 1] == lb[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[lb.size()];
}

std::vector<std::string> closest_names(std::string_view asked, const std::vector<std::string>& names, std::size_t most) {
  asked = asked.substr(0, asked.find(':'));
  std::vector<std::pair<std::size_t, std::size_t>> ranked;  // (distance, index)
  ranked.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto whole = edit_distance(asked, names[i]);
    const auto repo = edit_distance(after_owner(asked), after_owner(names[i]));
    ranked.emplace_back(std::min(whole, repo), i);
  }
  std::ranges::stable_sort(ranked, {}, &std::pair<std::size_t, std::size_t>::first);
  std::vector<std::string> closest;
  for (std::size_t k = 0; k < std::min(most, ranked.size()); ++k) closest.push_back(names[ranked[k].second]);
  return closest;
}

}  // namespace synthgen
