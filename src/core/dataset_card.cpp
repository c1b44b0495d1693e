// The repo id, the dataset card and the few encodings a push to the Hub needs; pure.
#include "synthgen/core/dataset_card.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "synthgen/core/csv.hpp"

namespace synthgen {
namespace {

std::string format_share(std::size_t count, std::size_t total) {
  return total == 0 ? std::string("0.0 %") : fmt::format("{:.1f} %", 100.0 * static_cast<double>(count) / static_cast<double>(total));
}

std::string front_matter(const DatasetCardFacts& f) {
  std::size_t rows = 0;
  for (const auto& split : f.splits) rows += split.rows;
  std::string out = "---\n";
  out += "license: " + f.license + "\n";
  out += "task_categories:\n- text-classification\nlanguage:\n- en\n";
  out += "size_categories:\n- " + size_category(rows) + "\n";
  out += "tags:\n- synthetic\n";
  // What `load_dataset` reads to find the splits (docs: datasets "Manual configuration").
  out += "configs:\n- config_name: default\n  data_files:\n";
  for (const auto& split : f.splits) out += "  - split: " + split.name + "\n    path: " + split.path + "\n";
  return out + "---\n";
}

void add_row(std::string& out, std::string_view name, std::string_view value) {
  if (!value.empty()) out += fmt::format("| {} | {} |\n", name, value);
}

std::string code(std::string_view text) { return text.empty() ? std::string() : fmt::format("`{}`", text); }

// Every field of the metrics JSON's `provenance`, so a card and a run's metrics can be compared.
std::string provenance(const DatasetCardFacts& f) {
  const auto& p = f.provenance;
  std::string out = "## How it was made\n\n";
  out += fmt::format(
      "Each text was sent up to {} times to `{}` with a few-shot prompt; the majority of the answers is its label "
      "(self-consistency), a tie broken by a seeded draw.\n\n",
      p.votes, p.model);
  out += "| | |\n|---|---|\n";
  const auto where = p.config.empty() ? std::string() : fmt::format(" ({}, {})", p.config, p.split);
  add_row(out, "dataset", p.dataset + where);
  add_row(out, "read from", p.source);
  add_row(out, "data sha256", code(p.data_sha256));
  add_row(out, "model", code(p.model));
  add_row(out, "endpoint", p.endpoint);
  add_row(out, "api", p.api);
  add_row(out, "prompt", p.prompt);
  add_row(out, "prompt sha256", code(p.prompt_sha256));
  add_row(out, "temperature", fmt::format("{}", p.temperature));
  add_row(out, "top_p", fmt::format("{}", p.top_p));
  add_row(out, "max_tokens", fmt::format("{}", p.max_tokens));
  add_row(out, "votes per row", fmt::format("{}", p.votes));
  add_row(out, "early stop", p.early_stop ? "yes" : "no");
  add_row(out, "seed", fmt::format("{}", p.seed));
  add_row(out, "sample", p.n_sample == 0 ? std::string("every row") : fmt::format("{} rows", p.n_sample));
  add_row(out, "test size", p.test_size == "0" ? std::string("no test split") : p.test_size);
  add_row(out, "parser", p.parser);
  add_row(out, "made with", "synthgen " + p.synthgen_version);
  add_row(out, "created", p.created);
  return out + "\n";
}

std::string split_role(std::string_view split) {
  if (split == "test") return "test split (held out: `data/test.csv` holds its human labels)";
  if (split == "train") return "train split (`data/train.csv` holds the LLM's labels)";
  return "every row";
}

std::string figures(const DatasetCardFacts& f) {
  std::string out = "## Quality\n\n";
  if (f.scores.empty()) return out + "The source had no human labels, so the labels were not scored.\n\n";
  out += "The LLM's labels against the human labels:\n\n| split | rows | accuracy | macro-F1 |\n|---|---:|---:|---:|\n";
  for (const auto& s : f.scores)
    out += fmt::format("| {} | {} | {:.4f} | {:.4f} |\n", split_role(s.split), s.scored, s.accuracy, s.macro_f1);
  return out + "\n";
}

std::string distribution(const DatasetCardFacts& f) {
  std::size_t total = 0;
  for (const auto& [label, count] : f.train_labels) total += count;
  std::string out = "## Labels (train)\n\n| label | rows | share |\n|---|---:|---:|\n";
  for (const auto& [label, count] : f.train_labels) out += fmt::format("| {} | {} | {} |\n", label, count, format_share(count, total));
  return out + fmt::format("| all | {} | |\n\n", total);
}

}  // namespace

std::string size_category(std::size_t rows) {
  constexpr std::array<std::pair<std::size_t, std::string_view>, 6> bounds{{{1'000, "n<1K"},
                                                                            {10'000, "1K<n<10K"},
                                                                            {100'000, "10K<n<100K"},
                                                                            {1'000'000, "100K<n<1M"},
                                                                            {10'000'000, "1M<n<10M"},
                                                                            {100'000'000, "10M<n<100M"}}};
  for (const auto& [bound, tag] : bounds) {
    if (rows < bound) return std::string(tag);
  }
  if (rows < 1'000'000'000) return "100M<n<1B";
  return "1B<n<10B";
}

std::string base64_encode(std::string_view bytes) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                   static_cast<unsigned char>(bytes[i + 2]);
    for (const int shift : {18, 12, 6, 0}) out += alphabet[(n >> shift) & 63];
  }
  if (const auto left = bytes.size() - i; left > 0) {
    auto n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
    if (left == 2) n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += left == 2 ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::expected<std::vector<std::pair<std::string, std::size_t>>, std::string> label_distribution(std::string_view csv,
                                                                                                const std::vector<std::string>& labels) {
  auto records = parse_csv(csv);
  if (!records) return std::unexpected(records.error());
  if (records->empty()) return std::unexpected("the training file is empty");
  const auto& header = records->front().fields;
  const auto column = std::ranges::find(header, "labels");
  if (column == header.end()) return std::unexpected("the training file has no labels column");
  const auto index = static_cast<std::size_t>(column - header.begin());
  std::vector<std::pair<std::string, std::size_t>> counts;
  counts.reserve(labels.size());
  for (const auto& label : labels) counts.emplace_back(label, 0);
  for (std::size_t r = 1; r < records->size(); ++r) {
    const auto& fields = (*records)[r].fields;
    if (index >= fields.size()) return std::unexpected(fmt::format("line {} of the training file has no label", (*records)[r].line));
    auto it = std::ranges::find_if(counts, [&](const auto& entry) { return entry.first == fields[index]; });
    if (it == counts.end()) it = counts.insert(counts.end(), {fields[index], 0});
    ++it->second;
  }
  return counts;
}

std::string dataset_card(const DatasetCardFacts& f) {
  std::string out = front_matter(f);
  out += "\n# " + f.repo.id() + "\n\n";
  out +=
      "Texts labeled by a large language model with synthgen, for training a small "
      "classifier. The labels are synthetic: check the figures below before you rely on them.\n\n";
  out += provenance(f) + figures(f) + distribution(f);
  out += "## Load it\n\n```python\nfrom datasets import load_dataset\n\nds = load_dataset(\"" + f.repo.id() + "\")\n```\n";
  return out;
}

}  // namespace synthgen
