// The HTML report: inline CSS, figures drawn with plain elements and one blue ramp (no images).
#include "synthgen/core/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace synthgen {
namespace {

constexpr const char* style = R"(<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:78em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em}.note{color:#555;margin-top:-.4em}
.figures{display:flex;flex-wrap:wrap;gap:.8em}.figure{border:1px solid #ccc;border-radius:6px;padding:.5em .9em;min-width:7em}
.figure b{display:block;font-size:1.4em}.figure.main{border-color:#2171b5;background:#f7fbff}
table{border-collapse:collapse}td,th{padding:.35em .6em;border:1px solid #ddd;text-align:right}
th{background:#f4f4f4}td.text{text-align:left;max-width:36em}
.bar{height:1em;display:inline-block;vertical-align:middle;margin-right:.4em;background:#4292c6}
.bars td{text-align:left;white-space:nowrap}.vote{font-size:.9em;margin:.1em 0}
.cm td.cell{width:6.5em;height:3.6em;text-align:center;border:1px solid #fff}.cm td.cell b{display:block;font-size:1.25em}
.cm td.cell small{font-size:.85em}.cm th.axis{background:none;border:none;font-weight:600;text-align:center}
.cm th.gold-axis{writing-mode:vertical-rl;transform:rotate(180deg)}.cm td.total{color:#555;border:none}
.cm-wrap{display:flex;align-items:flex-start;gap:2em;flex-wrap:wrap}
.legend{font-size:.85em;color:#333}.legend .ramp{width:16em;height:1em;border:1px solid #ccc;margin:.3em 0}
.legend .ticks{display:flex;justify-content:space-between;width:16em}
#review-filter{margin:.6em 0}#review-filter button{margin-right:.4em;padding:.3em .7em;border:1px solid #bbb;border-radius:4px;
background:#fff;cursor:pointer}#review-filter button.on{background:#deebf7;border-color:#2171b5}
#review-search{padding:.3em;margin-left:.6em;width:14em}#review th{cursor:pointer;text-align:left}
#review td{text-align:left;vertical-align:top}#review td:first-child{text-align:right}
.kind{white-space:nowrap}td.kind{text-align:left}.kind.unanimous{color:#08519c;font-weight:600}.kind.tie{color:#6a51a3}
.provenance{margin-bottom:1em}.provenance th{text-align:left}.provenance td{text-align:left;overflow-wrap:anywhere}
</style>)";

// matplotlib's Blues, nine stops from white to dark blue.
constexpr std::array<std::array<int, 3>, 9> blues{{{247, 251, 255},
                                                   {222, 235, 247},
                                                   {198, 219, 239},
                                                   {158, 202, 225},
                                                   {107, 174, 214},
                                                   {66, 146, 198},
                                                   {33, 113, 181},
                                                   {8, 81, 156},
                                                   {8, 48, 107}}};

std::string percent(std::size_t part, std::size_t whole) {
  return whole == 0 ? "–" : fmt::format("{:.1f} %", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

double share_of(std::size_t part, std::size_t whole) { return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole); }

std::string bar(double share) {
  return fmt::format("<span class=\"bar\" style=\"width:{:.1f}em\"></span>", std::clamp(share, 0.0, 1.0) * 12.0);
}

std::string figure(const std::string& name, const std::string& value, bool main = false) {
  return fmt::format("<div class=\"figure{}\">{}<b>{}</b></div>", main ? " main" : "", html_escape(name), html_escape(value));
}

std::string figures(const RunSummary& s, bool scored) {
  std::string out = "<div class=\"figures\">";
  if (scored) {
    out += figure("accuracy", fmt::format("{:.4f}", s.metrics.accuracy), true) +
           figure("macro-F1", fmt::format("{:.4f}", s.metrics.macro_f1), true) +
           figure("Cohen's kappa", fmt::format("{:.4f}", s.metrics.kappa), true) + figure("scored rows", group_thousands(s.metrics.scored));
  }
  out += figure("rows", group_thousands(s.rows)) + figure("labeled", group_thousands(s.labeled)) +
         figure("unanimous", percent(s.unanimous, s.labeled)) + figure("ties", group_thousands(s.ties)) +
         figure("no vote", group_thousands(s.no_votes)) + figure("requests", group_thousands(s.counts.requests)) +
         figure("retries", group_thousands(s.counts.retries)) + figure("failed", group_thousands(s.counts.failed_requests)) +
         figure("tokens", group_thousands(s.counts.prompt_tokens + s.counts.completion_tokens)) +
         figure("wall time", fmt::format("{:.1f} s", s.wall_s));
  return out + "</div>";
}

std::string label_distribution(const LabelTally& tally, const LabelSet& labels) {
  std::string out =
      "<h2>Labels in the training file</h2><p class=\"note\">Rows per model label among the labeled rows (what the training CSV "
      "holds).</p><table class=\"bars\"><tr><th>label</th><th>rows</th><th>share</th></tr>";
  const auto& counts = tally.label_counts();
  for (std::size_t c = 0; c < labels.size() && c < counts.size(); ++c) {
    out += fmt::format("<tr><th>{}</th><td style=\"text-align:right\">{}</td><td>{}{}</td></tr>", html_escape(labels.names[c]),
                       group_thousands(counts[c]), bar(share_of(counts[c], tally.labeled())), percent(counts[c], tally.labeled()));
  }
  return out + "</table>";
}

std::string confusion_cell(std::size_t count, std::size_t row_total, const std::string& gold, const std::string& model) {
  const double share = share_of(count, row_total);
  return fmt::format(
      "<td class=\"cell\" style=\"background:{};color:{}\" title=\"gold {}, model {}: {} of {}\"><b>{}</b><small>{}</small></td>",
      blue_ramp(share), share > 0.5 ? "#fff" : "#08306b", gold, model, group_thousands(count), group_thousands(row_total),
      group_thousands(count), percent(count, row_total));
}

std::string confusion_legend() {
  std::string stops;
  for (std::size_t i = 0; i < blues.size(); ++i)
    stops += fmt::format("{}#{:02x}{:02x}{:02x} {:.1f}%", i ? "," : "", blues[i][0], blues[i][1], blues[i][2],
                         100.0 * static_cast<double>(i) / 8.0);
  return "<div class=\"legend\" id=\"cm-legend\"><b>share of the gold row</b><div class=\"ramp\" style=\"background:linear-gradient(to "
         "right," +
         stops +
         ")\"></div><div class=\"ticks\"><span>0 %</span><span>25 %</span><span>50 %</span><span>75 %</span><span>100 "
         "%</span></div><p>Each cell: rows (big) and their share of the gold label's row.<br>The diagonal is where the model "
         "agrees with gold.</p></div>";
}

std::string confusion_matrix(const Metrics& m, const LabelSet& labels) {
  const auto n = labels.size();
  std::string out = "<h2>Confusion matrix</h2><div class=\"cm-wrap\"><table class=\"cm\"><tr><th class=\"axis\" colspan=\"2\"></th>";
  out += fmt::format(
      "<th class=\"axis\" colspan=\"{}\">model label</th><th class=\"axis\"></th></tr><tr><th class=\"axis\" colspan=\"2\"></th>", n);
  for (const auto& name : labels.names) out += "<th>" + html_escape(name) + "</th>";
  out += "<th class=\"axis\">rows</th></tr>";
  for (std::size_t g = 0; g < n; ++g) {
    std::size_t total = 0;
    for (const auto c : m.confusion[g]) total += c;
    out += "<tr>";
    if (g == 0) out += fmt::format("<th class=\"axis gold-axis\" rowspan=\"{}\">gold label</th>", n);
    out += "<th>" + html_escape(labels.names[g]) + "</th>";
    for (std::size_t p = 0; p < n; ++p)
      out += confusion_cell(m.confusion[g][p], total, html_escape(labels.names[g]), html_escape(labels.names[p]));
    out += "<td class=\"total\">" + group_thousands(total) + "</td></tr>";
  }
  return out + "</table>" + confusion_legend() + "</div>";
}

std::string class_bars(const Metrics& m, const LabelSet& labels) {
  std::string out =
      "<h2>Per class</h2><table class=\"bars\"><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>";
  for (std::size_t c = 0; c < labels.size() && c < m.per_class.size(); ++c) {
    const auto& s = m.per_class[c];
    out += fmt::format("<tr><th>{}</th><td>{}{:.3f}</td><td>{}{:.3f}</td><td>{}{:.3f}</td><td style=\"text-align:right\">{}</td></tr>",
                       html_escape(labels.names[c]), bar(s.precision), s.precision, bar(s.recall), s.recall, bar(s.f1), s.f1,
                       group_thousands(s.support));
  }
  return out + "</table>";
}

std::string pattern_table(const PatternTally& patterns, std::size_t rows, bool scored) {
  std::string out =
      "<h2>Agreement by vote pattern</h2><p class=\"note\">Each row's exact votes: how many named each label, and those that "
      "named none.</p><table class=\"bars\" id=\"patterns\"><tr><th>votes</th><th>rows</th><th>share of rows</th>";
  if (scored) out += "<th>accuracy against gold</th><th>scored</th>";
  out += "</tr>";
  for (const auto& p : patterns.by_agreement()) {
    out += fmt::format("<tr><th>{}</th><td style=\"text-align:right\">{}</td><td>{}{}</td>", html_escape(pattern_name(p.pattern)),
                       group_thousands(p.rows), bar(share_of(p.rows, rows)), percent(p.rows, rows));
    if (scored) {
      out += p.scored == 0 ? std::string("<td>–</td><td style=\"text-align:right\">0</td>")
                           : fmt::format("<td>{}{}</td><td style=\"text-align:right\">{}</td>", bar(share_of(p.correct, p.scored)),
                                         percent(p.correct, p.scored), group_thousands(p.scored));
    }
    out += "</tr>";
  }
  return out + "</table>";
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
    return figure(std::string(name) + " rows", group_thousands(f.rows)) +
           figure(std::string(name) + " accuracy", fmt::format("{:.4f}", f.metrics.accuracy), true) +
           figure(std::string(name) + " macro-F1", fmt::format("{:.4f}", f.metrics.macro_f1), true);
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

std::string group_thousands(std::size_t n) {
  // Built forwards: inserting into the string in place trips GCC 12's -Wrestrict (a false positive).
  const auto digits = std::to_string(n);
  std::string grouped;
  grouped.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return grouped;
}

std::string blue_ramp(double share) {
  const double at = std::clamp(std::isnan(share) ? 0.0 : share, 0.0, 1.0) * static_cast<double>(blues.size() - 1);
  const auto low = static_cast<std::size_t>(std::floor(at));
  const auto high = std::min(low + 1, blues.size() - 1);
  const double t = at - static_cast<double>(low);
  std::string out = "#";
  for (std::size_t i = 0; i < 3; ++i)
    out += fmt::format("{:02x}", static_cast<int>(std::lround(blues[low][i] + t * (blues[high][i] - blues[low][i]))));
  return out;
}

std::string format_html_report(const RunSummary& s, const LabelSet& labels, const LabelTally& tally, const ReviewTable& review) {
  const bool scored = s.has_gold && s.metrics.scored > 0;
  std::string out = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>synthgen report</title>";
  out += style;
  out += "</head><body><h1>synthgen report</h1>" + provenance_block(s.provenance) + "<p class=\"note\">" +
         html_escape(fmt::format("{} rows from {}", group_thousands(s.rows), s.source)) + "</p>";
  out += figures(s, scored) + split_figures_html(s) + label_distribution(tally, labels);
  if (scored) out += confusion_matrix(s.metrics, labels) + class_bars(s.metrics, labels);
  out += pattern_table(review.patterns(), s.rows, scored);
  out += review.html(s.has_gold);
  return out + "</body></html>\n";
}

}  // namespace synthgen
