// Report text and metrics JSON from a RunSummary.
#include "synthgen/core/report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace synthgen {
namespace {

std::string confusion_table(const Metrics& m, const LabelSet& labels) {
  std::string out = fmt::format("  {:<14}", "gold \\ model");
  for (const auto& name : labels.names) out += fmt::format(" {:>9}", name.substr(0, 9));
  out += '\n';
  for (std::size_t g = 0; g < labels.size(); ++g) {
    out += fmt::format("  {:<14}", labels.names[g].substr(0, 14));
    for (std::size_t p = 0; p < labels.size(); ++p) out += fmt::format(" {:>9}", m.confusion[g][p]);
    out += '\n';
  }
  return out;
}

std::string class_table(const Metrics& m, const LabelSet& labels) {
  std::string out = fmt::format("  {:<14} {:>9} {:>9} {:>9} {:>9}\n", "class", "precision", "recall", "f1", "support");
  for (std::size_t c = 0; c < labels.size(); ++c) {
    const auto& s = m.per_class[c];
    out +=
        fmt::format("  {:<14} {:>9.3f} {:>9.3f} {:>9.3f} {:>9}\n", labels.names[c].substr(0, 14), s.precision, s.recall, s.f1, s.support);
  }
  return out;
}

std::string failure_breakdown(const std::map<std::string, std::size_t>& failures) {
  std::string out;
  for (const auto& [kind, count] : failures) out += fmt::format("{}{} {}", out.empty() ? " (" : ", ", count, kind);
  return out.empty() ? out : out + ")";
}

// A pool's endpoints, one line each; nothing for one endpoint.
std::string endpoint_lines(const std::vector<EndpointCounts>& endpoints) {
  if (endpoints.size() < 2) return {};
  std::string out;
  for (const auto& e : endpoints) {
    out += fmt::format("{:<12}{}: {} requests, {} failed, {} refused (429), median {} ms\n", out.empty() ? "endpoints" : "", e.url,
                       e.requests, e.failed, e.refused, e.median_ms);
  }
  return out;
}

std::string split_line(const char* name, const SplitFigures& f, const char* what) {
  if (f.metrics.scored == 0) return fmt::format("{:<12}{} rows, {} labeled ({} in {})\n", name, f.rows, f.labeled, what, f.file);
  return fmt::format("{:<12}{} rows, {} labeled   accuracy {:.4f}   macro-F1 {:.4f}   ({} in {})\n", name, f.rows, f.labeled,
                     f.metrics.accuracy, f.metrics.macro_f1, what, f.file);
}

nlohmann::ordered_json split_json(const SplitFigures& f, const char* role, const LabelSet& labels) {
  nlohmann::ordered_json j;
  j["role"] = role;
  j["file"] = f.file;
  j["rows"] = f.rows;
  j["labeled"] = f.labeled;
  j["scored"] = f.metrics.scored;
  const bool scored = f.metrics.scored > 0;
  j["accuracy"] = scored ? nlohmann::ordered_json(f.metrics.accuracy) : nlohmann::ordered_json();
  j["macro_f1"] = scored ? nlohmann::ordered_json(f.metrics.macro_f1) : nlohmann::ordered_json();
  j["kappa"] = scored ? nlohmann::ordered_json(f.metrics.kappa) : nlohmann::ordered_json();
  auto& per_class = j["per_class"] = nlohmann::ordered_json::object();
  for (std::size_t c = 0; c < labels.size() && c < f.metrics.per_class.size(); ++c) {
    const auto& cs = f.metrics.per_class[c];
    per_class[labels.names[c]] = {{"precision", cs.precision}, {"recall", cs.recall}, {"f1", cs.f1}, {"support", cs.support}};
  }
  j["confusion"] = f.metrics.confusion;
  return j;
}

}  // namespace

SplitFigures split_figures(const LabelTally& tally, std::string file) {
  return SplitFigures{std::move(file), tally.rows(), tally.labeled(), tally.metrics()};
}

std::string format_report(const RunSummary& s, const LabelSet& labels) {
  std::string out = fmt::format("rows        {} from {}\n", s.rows, s.source);
  out += fmt::format("labeled     {}   no vote {}   ties {}   unanimous {:.1f} %\n", s.labeled, s.no_votes, s.ties,
                     s.labeled == 0 ? 0.0 : 100.0 * static_cast<double>(s.unanimous) / static_cast<double>(s.labeled));
  out += fmt::format("requests    {} sent   {} retries{}   {} from the store   {} not needed\n", s.counts.requests, s.counts.retries,
                     failure_breakdown(s.counts.retried), s.counts.cached, s.counts.skipped_votes);
  out += endpoint_lines(s.counts.endpoints);
  if (s.counts.paced_per_s > 0)
    out += fmt::format("rate limit  the endpoint refused faster sends: paced at {:.1f} requests/s at the end\n", s.counts.paced_per_s);
  out += fmt::format("failed      {}{}   answers with no vote {}{}\n", s.counts.failed_requests, failure_breakdown(s.counts.failures),
                     s.counts.invalid_answers, failure_breakdown(s.counts.no_votes_by_reason));
  if (s.counts.prompt_tokens + s.counts.completion_tokens > 0)
    out += fmt::format("tokens      {} prompt, {} completion\n", s.counts.prompt_tokens, s.counts.completion_tokens);
  out += fmt::format("wall time   {:.2f} s\n", s.wall_s);
  if (!s.has_gold || s.metrics.scored == 0) return out + "no gold labels to score against\n";
  out += fmt::format("accuracy    {:.4f}   macro-F1 {:.4f}   Cohen's kappa {:.4f}   (over {} rows with gold and model labels)\n",
                     s.metrics.accuracy, s.metrics.macro_f1, s.metrics.kappa, s.metrics.scored);
  out += "\n" + class_table(s.metrics, labels) + "\n" + confusion_table(s.metrics, labels);
  if (s.train && s.test) {  // the notebook's figures are the test split's
    out += "\n" + split_line("train split", *s.train, "LLM labels") + split_line("test split", *s.test, "human labels");
    out += "\ntest split\n" + class_table(s.test->metrics, labels) + "\n" + confusion_table(s.test->metrics, labels);
  }
  return out;
}

std::string format_metrics_json(const RunSummary& s, const LabelSet& labels) {
  nlohmann::ordered_json j;
  j["source"] = s.source;
  j["rows"] = s.rows;
  j["labeled"] = s.labeled;
  const bool scored = s.has_gold && s.metrics.scored > 0;
  j["accuracy"] = scored ? nlohmann::ordered_json(s.metrics.accuracy) : nlohmann::ordered_json();
  j["macro_f1"] = scored ? nlohmann::ordered_json(s.metrics.macro_f1) : nlohmann::ordered_json();
  j["kappa"] = scored ? nlohmann::ordered_json(s.metrics.kappa) : nlohmann::ordered_json();
  j["scored"] = s.metrics.scored;
  j["unanimous"] = s.unanimous;
  j["requests"] = s.counts.requests;
  j["failed_requests"] = s.counts.failed_requests;
  j["failures"] = s.counts.failures;
  j["retries"] = s.counts.retries;
  j["retried"] = s.counts.retried;
  j["paced_per_s"] = s.counts.paced_per_s > 0 ? nlohmann::ordered_json(s.counts.paced_per_s) : nlohmann::ordered_json();
  if (s.counts.endpoints.size() >= 2) {  // a pool: each endpoint's share (one endpoint's run keeps its keys)
    auto& endpoints = j["endpoints"] = nlohmann::ordered_json::array();
    for (const auto& e : s.counts.endpoints) {
      endpoints.push_back(
          {{"url", e.url}, {"requests", e.requests}, {"failed", e.failed}, {"refused", e.refused}, {"median_ms", e.median_ms}});
    }
  }
  j["cached"] = s.counts.cached;
  j["skipped_votes"] = s.counts.skipped_votes;
  j["invalid_answers"] = s.counts.invalid_answers;
  j["no_votes_by_reason"] = s.counts.no_votes_by_reason;
  j["no_votes"] = s.no_votes;
  j["no_vote_rows"] = s.no_vote_rows;
  j["ties"] = s.ties;
  j["prompt_tokens"] = s.counts.prompt_tokens;
  j["completion_tokens"] = s.counts.completion_tokens;
  j["wall_s"] = s.wall_s;
  j["request_wall_s"] = s.request_wall_s;
  j["labels"] = labels.names;
  auto& per_class = j["per_class"] = nlohmann::ordered_json::object();
  for (std::size_t c = 0; c < labels.size() && c < s.metrics.per_class.size(); ++c) {
    const auto& cs = s.metrics.per_class[c];
    per_class[labels.names[c]] = {{"precision", cs.precision}, {"recall", cs.recall}, {"f1", cs.f1}, {"support", cs.support}};
  }
  j["confusion"] = s.metrics.confusion;
  if (s.train && s.test) {
    j["train"] = split_json(*s.train, "train split: its rows' LLM labels are the training file", labels);
    j["test"] = split_json(*s.test, "held-out test split: its rows' human labels are the test file; the LLM labels scored here", labels);
  }
  if (!s.provenance.empty()) j["provenance"] = provenance_json(s.provenance);
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

RunSummary summarize(const LabelTally& tally, std::string source, const RequestCounts& counts) {
  RunSummary s;
  s.source = std::move(source);
  s.rows = tally.rows();
  s.labeled = tally.labeled();
  s.no_votes = tally.no_vote_rows().size();
  s.ties = tally.ties();
  s.unanimous = tally.unanimous();
  s.no_vote_rows = tally.no_vote_rows();
  s.has_gold = tally.has_gold();
  s.metrics = tally.metrics();
  s.counts = counts;
  return s;
}

}  // namespace synthgen
