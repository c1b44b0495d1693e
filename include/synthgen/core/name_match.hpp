// Suggestions for a mistyped name: the few known names closest to the one asked for.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace synthgen {

// Levenshtein distance, ASCII case folded.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The `most` names of `names` closest to `asked`, closest first (ties keep the given order). A name
// is compared whole and by its part after the last '/' (the repo without its owner), the nearer
// counting; a `:provider` suffix of `asked` ("...:fastest") is ignored.
std::vector<std::string> closest_names(std::string_view asked, const std::vector<std::string>& names, std::size_t most);

}  // namespace synthgen
