// One /rows page of the dataset viewer (wire-formats section 2) read from its JSON body: the label
// set its features declare, its rows and the split's total; exposed for the fuzz target.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "synthgen/core/dataset_text.hpp"
#include "synthgen/core/labels.hpp"

namespace synthgen {

struct PageLayout {
  LabelSet labels;
  bool class_label = false;  // the label column is a ClassLabel (cells are indices into its names)
};

struct Page {
  PageLayout layout;
  std::vector<Row> rows;
  std::size_t total = 0;  // num_rows_total: every page of the split
};

// The page, or what is wrong with it (a missing column names the columns there are).
std::expected<Page, std::string> parse_rows_page(std::string_view body, const ColumnNames& columns,
                                                 const std::optional<LabelSet>& labels = std::nullopt);

}  // namespace synthgen
