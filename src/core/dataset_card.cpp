// The repo id, the dataset card and the few encodings a push to the Hub needs; pure.
#include "synthgen/core/dataset_card.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "synthgen/core/csv.hpp"

namespace synthgen {
namespace {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_id_char(char c) { return is_word_char(c) || c == '-' || c == '.'; }

// huggingface_hub's REPO_ID_REGEX part `\b[\w\-.]{1,96}\b` and its "--" / ".." rule.
std::string part_problem(std::string_view part, std::string_view what, std::size_t longest) {
  if (part.empty()) return std::string(what) + " is empty";
  if (part.size() > longest) return fmt::format("{} is longer than {} characters", what, longest);
  if (!std::ranges::all_of(part, is_id_char)) return std::string(what) + " may hold only letters, digits, '-', '_' and '.'";
  if (!is_word_char(part.front()) || !is_word_char(part.back())) return std::string(what) + " must start and end with a letter or digit";
  if (part.find("--") != std::string_view::npos || part.find("..") != std::string_view::npos)
    return std::string(what) + " may not hold \"--\" or \"..\"";
  return {};
}

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

std::string provenance(const DatasetCardFacts& f) {
  std::string out = "## How it was made\n\n";
  out += fmt::format(
      "Each text was sent up to {} times to `{}` with a few-shot prompt; the majority of the answers is its label "
      "(self-consistency), a tie broken by a seeded draw.\n\n",
      f.votes, f.model);
  out += "| | |\n|---|---|\n";
  out += "| source | " + f.source + " |\n";
  out += "| model | `" + f.model + "` |\n";
  out += "| endpoint | " + f.endpoint + " |\n";
  out += "| prompt | " + f.prompt + " |\n";
  out += fmt::format("| votes per row | {} |\n| seed | {} |\n| temperature | {} |\n", f.votes, f.seed, f.temperature);
  out += "| made with | synthgen " + f.synthgen_version + " |\n";
  out += "| date | " + f.date + " |\n\n";
  return out;
}

std::string figures(const DatasetCardFacts& f) {
  std::string out = "## Quality\n\n";
  if (!f.accuracy || !f.macro_f1) return out + "The source had no human labels, so the labels were not scored.\n\n";
  return out + fmt::format("Against the human labels of the {} rows that have both: accuracy {:.4f}, macro-F1 {:.4f}.\n\n", f.scored,
                           *f.accuracy, *f.macro_f1);
}

std::string distribution(const DatasetCardFacts& f) {
  std::size_t total = 0;
  for (const auto& [label, count] : f.train_labels) total += count;
  std::string out = "## Labels (train)\n\n| label | rows | share |\n|---|---:|---:|\n";
  for (const auto& [label, count] : f.train_labels) out += fmt::format("| {} | {} | {} |\n", label, count, format_share(count, total));
  return out + fmt::format("| all | {} | |\n\n", total);
}

}  // namespace

std::expected<HubRepoId, std::string> parse_hub_repo_id(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || text.find('/', slash + 1) != std::string_view::npos)
    return std::unexpected("'" + std::string(text) + "' is not OWNER/NAME (a user or organization, a slash, the dataset's name)");
  const auto owner = text.substr(0, slash);
  const auto name = text.substr(slash + 1);
  for (const auto& problem : {part_problem(owner, "OWNER", 96), part_problem(name, "NAME", 96)}) {
    if (!problem.empty()) return std::unexpected("'" + std::string(text) + "' is not OWNER/NAME: " + problem);
  }
  return HubRepoId{std::string(owner), std::string(name)};
}

std::optional<std::string> known_license(std::string_view dataset) {
  // The card of takala/financial_phrasebank says license: cc-by-nc-sa-3.0.
  if (dataset == "takala/financial_phrasebank") return "cc-by-nc-sa-3.0";
  return std::nullopt;
}

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
