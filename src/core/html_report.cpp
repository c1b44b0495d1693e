// The HTML report: inline CSS only, figures drawn with plain elements (no script, no images).
#include "synthgen/core/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace synthgen {
namespace {

constexpr std::size_t max_listed_disagreements = 200;

constexpr const char* style = R"(<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:70em}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em}
.figures{display:flex;flex-wrap:wrap;gap:1em}.figure{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;min-width:8em}
.figure b{display:block;font-size:1.5em}
table{border-collapse:collapse}td,th{padding:.35em .6em;border:1px solid #ddd;text-align:right}
th{background:#f4f4f4}td.text{text-align:left;max-width:40em}
.bar{height:1.1em;background:#3b7dd8;display:inline-block;vertical-align:middle;margin-right:.4em}
.provenance th{text-align:left}.bars td{border:none;text-align:left;white-space:nowrap}.vote{font-family:monospace;font-size:.9em}
</style>)";

std::string heat_cell(std::size_t count, std::size_t row_total, bool diagonal) {
  const double share = row_total == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(row_total);
  const int light = 100 - static_cast<int>(share * 55);
  const int hue = diagonal ? 140 : 0;
  return fmt::format("<td style=\"background:hsl({},70%,{}%)\">{}</td>", hue, light, count);
}

std::string confusion_heat_map(const Metrics& m, const LabelSet& labels) {
  std::string out = "<h2>Confusion matrix (rows: gold, columns: model)</h2><table><tr><th></th>";
  for (const auto& name : labels.names) out += "<th>" + html_escape(name) + "</th>";
  out += "</tr>";
  for (std::size_t g = 0; g < labels.size(); ++g) {
    std::size_t total = 0;
    for (const auto c : m.confusion[g]) total += c;
    out += "<tr><th>" + html_escape(labels.names[g]) + "</th>";
    for (std::size_t p = 0; p < labels.size(); ++p) out += heat_cell(m.confusion[g][p], total, g == p);
    out += "</tr>";
  }
  return out + "</table>";
}

std::string bar(double share, const char* color = "#3b7dd8") {
  return fmt::format("<span class=\"bar\" style=\"width:{:.1f}em;background:{}\"></span>", std::clamp(share, 0.0, 1.0) * 10.0, color);
}

std::string class_bars(const Metrics& m, const LabelSet& labels) {
  std::string out =
      "<h2>Per class</h2><table class=\"bars\"><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>";
  for (std::size_t c = 0; c < labels.size() && c < m.per_class.size(); ++c) {
    const auto& s = m.per_class[c];
    out +=
        fmt::format("<tr><th>{}</th><td>{} {:.3f}</td><td>{} {:.3f}</td><td>{} {:.3f}</td><td>{}</td></tr>", html_escape(labels.names[c]),
                    bar(s.precision), s.precision, bar(s.recall, "#d8903b"), s.recall, bar(s.f1, "#3bb86a"), s.f1, s.support);
  }
  return out + "</table>";
}

std::string agreement_histogram(const std::array<std::size_t, agreement_buckets>& counts) {
  // Buckets of the share of a row's votes that went to its label.
  const char* names[] = {"no vote", "under 50 %", "50 to 67 %", "67 to 99 %", "unanimous"};
  const auto most = std::max<std::size_t>(1, *std::max_element(counts.begin(), counts.end()));
  std::string out = "<h2>Vote agreement</h2><table class=\"bars\">";
  for (std::size_t b = 0; b < agreement_buckets; ++b) {
    out += fmt::format("<tr><th>{}</th><td style=\"text-align:left\">{} {}</td></tr>", names[b],
                       bar(static_cast<double>(counts[b]) / static_cast<double>(most), "#8a5cd8"), counts[b]);
  }
  return out + "</table>";
}

std::string vote_cells(const RowVotes& row, const LabelSet& labels, AnswerFormat format) {
  std::string out;
  for (std::size_t v = 0; v < row.votes.size(); ++v) {
    if (row.status[v] == VoteStatus::not_asked) continue;
    const auto& vote = row.votes[v];
    std::string reason;
    if (v < row.answers.size()) reason = parse_answer(row.answers[v], labels, ParserKind::strict, format).reason;
    out += "<div class=\"vote\">" + html_escape(vote ? labels.name(*vote) : row.status[v] == VoteStatus::failed ? "(failed)" : "(no vote)");
    if (!reason.empty()) out += ": " + html_escape(reason);
    out += "</div>";
  }
  return out;
}

std::string figure(const std::string& name, const std::string& value) {
  return "<div class=\"figure\">" + html_escape(name) + "<b>" + html_escape(value) + "</b></div>";
}

// How the labels were made, as a small table under the title.
std::string provenance_block(const Provenance& p) {
  if (p.empty()) return {};
  std::string out = "<table class=\"provenance\">";
  const auto record = provenance_json(p);  // held here: items() only refers to it
  for (const auto& [key, value] : record.items()) {
    const auto shown = value.is_string() ? value.get<std::string>() : value.is_null() ? std::string("-") : value.dump();
    out += "<tr><th>" + html_escape(key) + "</th><td class=\"text\">" + html_escape(shown) + "</td></tr>";
  }
  return out + "</table>";
}

std::string split_figures_html(const RunSummary& s) {
  if (!s.train || !s.test) return {};
  const auto one = [](const char* name, const SplitFigures& f) {
    return figure(std::string(name) + " rows", std::to_string(f.rows)) +
           figure(std::string(name) + " accuracy", fmt::format("{:.4f}", f.metrics.accuracy)) +
           figure(std::string(name) + " macro-F1", fmt::format("{:.4f}", f.metrics.macro_f1));
  };
  return "<h2>Held-out test split (human labels in " + html_escape(s.test->file) + ") and train split (LLM labels in " +
         html_escape(s.train->file) + ")</h2><div class=\"figures\">" + one("test", *s.test) + one("train", *s.train) + "</div>";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

void DisagreementTable::add(const RowVotes& row, const VoteResult& result) {
  const auto& gold = row.row.gold;
  if (!gold || (result.label && *result.label == *gold)) return;
  if (total_++ >= max_listed_disagreements) return;
  rows_html_ += fmt::format("<tr><td>{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td class=\"text\">{}</td></tr>", row.row.index,
                            html_escape(row.row.text), html_escape(labels_.name(*gold)),
                            result.label ? html_escape(labels_.name(*result.label)) : "(none)", vote_cells(row, labels_, format_));
}

std::string DisagreementTable::html() const {
  std::string out =
      "<h2>Rows where the vote disagrees with gold</h2><table><tr><th>row</th><th>text</th><th>gold</th><th>model</th><th>votes and "
      "reasons</th></tr>" +
      rows_html_ + "</table>";
  if (total_ > max_listed_disagreements)
    out += fmt::format("<p>{} more not listed (see --details).</p>", total_ - max_listed_disagreements);
  if (total_ == 0) out += "<p>None.</p>";
  return out;
}

std::string format_html_report(const RunSummary& s, const LabelSet& labels, const LabelTally& tally,
                               const DisagreementTable& disagreements) {
  const bool scored = s.has_gold && s.metrics.scored > 0;
  std::string out = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>synthgen report</title>";
  out += style;
  out += "</head><body><h1>synthgen report</h1>" + provenance_block(s.provenance) + "<p>" +
         html_escape(fmt::format("{} rows from {}", s.rows, s.source)) + "</p><div class=\"figures\">";
  if (scored) {
    out += figure("accuracy", fmt::format("{:.4f}", s.metrics.accuracy)) + figure("macro-F1", fmt::format("{:.4f}", s.metrics.macro_f1)) +
           figure("Cohen's kappa", fmt::format("{:.4f}", s.metrics.kappa));
  }
  out += figure("labeled", std::to_string(s.labeled)) + figure("no vote", std::to_string(s.no_votes)) +
         figure("ties", std::to_string(s.ties)) + figure("requests", std::to_string(s.counts.requests)) +
         figure("retries", std::to_string(s.counts.retries)) + figure("failed", std::to_string(s.counts.failed_requests)) +
         figure("tokens", std::to_string(s.counts.prompt_tokens + s.counts.completion_tokens)) +
         figure("wall time", fmt::format("{:.1f} s", s.wall_s)) + "</div>" + split_figures_html(s);
  if (scored) out += confusion_heat_map(s.metrics, labels) + class_bars(s.metrics, labels);
  out += agreement_histogram(tally.agreement_counts());
  if (scored) out += disagreements.html();
  return out + "</body></html>\n";
}

}  // namespace synthgen
