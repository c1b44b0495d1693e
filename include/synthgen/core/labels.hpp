// The label set of a run (e.g. negative/neutral/positive) and the row value that flows through it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace synthgen {

// Index into a LabelSet's names.
using LabelId = int;

struct LabelSet {
  std::vector<std::string> names;

  // The label whose name equals `word`, ignoring ASCII case.
  [[nodiscard]] std::optional<LabelId> find(std::string_view word) const;
  [[nodiscard]] std::size_t size() const { return names.size(); }
  [[nodiscard]] const std::string& name(LabelId id) const { return names.at(static_cast<std::size_t>(id)); }
  // "negative, neutral, positive": for error messages.
  [[nodiscard]] std::string joined() const;
};

// Financial PhraseBank's ClassLabel names, in index order.
LabelSet sentiment_labels();

// One row of a dataset: its position in the source, its text and its human (gold) label if any.
struct Row {
  std::size_t index = 0;
  std::string text;
  std::optional<LabelId> gold;
};

}  // namespace synthgen
