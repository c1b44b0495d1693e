// Label lookup by name and the PhraseBank label set.
#include "synthgen/core/labels.hpp"

#include "synthgen/core/text.hpp"

namespace synthgen {

std::optional<LabelId> LabelSet::find(std::string_view word) const {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (iequals(names[i], word)) return static_cast<LabelId>(i);
  }
  return std::nullopt;
}

std::string LabelSet::joined() const {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

LabelSet sentiment_labels() { return LabelSet{{"negative", "neutral", "positive"}}; }

}  // namespace synthgen
