// The rows a person should look at first, kept to a bound as the rows go by: unanimous votes
// against gold, then ties, then the other disagreements; without gold, the lowest agreement.
#include <fmt/format.h>

#include <algorithm>

#include "synthgen/core/html_report.hpp"

namespace synthgen {
namespace {

constexpr std::array<const char*, review_kinds> kind_ids{"unanimous", "tie", "disagrees", "low"};
constexpr std::array<const char*, review_kinds> kind_names{"unanimous against gold", "tie against gold", "disagrees with gold",
                                                           "low agreement"};

ReviewKind kind_of(const Row& row, const VoteResult& result) {
  if (!row.gold) return ReviewKind::low_agreement;
  if (result.label && result.valid_votes > 0 && result.top_count == result.valid_votes) return ReviewKind::unanimous;
  if (result.tie) return ReviewKind::tie;
  return ReviewKind::disagrees;
}

std::string vote_cells(const RowVotes& row, const LabelSet& labels, AnswerFormat format) {
  std::string out;
  for (std::size_t v = 0; v < row.votes.size(); ++v) {
    if (row.status[v] == VoteStatus::not_asked) continue;
    const auto& vote = row.votes[v];
    std::string reason;
    if (v < row.answers.size()) reason = parse_answer(row.answers[v], labels, ParserKind::strict, format).reason;
    out += "<div class=\"vote\"><b>" +
           html_escape(vote                                  ? labels.name(*vote)
                       : row.status[v] == VoteStatus::failed ? "(failed)"
                                                             : "(no vote)") +
           "</b>";
    if (!reason.empty()) out += ": " + html_escape(reason);
    out += "</div>";
  }
  return out;
}

std::string row_html(const RowVotes& row, const VoteResult& result, ReviewKind kind, const LabelSet& labels, AnswerFormat format) {
  const auto share = agreement(result);
  return fmt::format(
      "<tr data-kind=\"{}\"><td data-v=\"{}\">{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td data-v=\"{:.3f}\">{}</td>"
      "<td class=\"kind {}\">{}</td><td class=\"text\">{}</td></tr>",
      kind_ids[static_cast<std::size_t>(kind)], row.row.index, group_thousands(row.row.index), html_escape(row.row.text),
      row.row.gold ? html_escape(labels.name(*row.row.gold)) : "", result.label ? html_escape(labels.name(*result.label)) : "(none)", share,
      html_escape(pattern_name(vote_pattern(row))), kind_ids[static_cast<std::size_t>(kind)], kind_names[static_cast<std::size_t>(kind)],
      vote_cells(row, labels, format));
}

// The review script: filter by kind, search the text, sort by a column (no external asset).
constexpr const char* review_script = R"(<script>
(function(){var t=document.getElementById('review');if(!t)return;var body=t.tBodies[0],kind='all',
q=document.getElementById('review-search');function apply(){var s=q.value.toLowerCase();
Array.prototype.forEach.call(body.rows,function(r){r.hidden=(kind!=='all'&&r.dataset.kind!==kind)||
r.textContent.toLowerCase().indexOf(s)<0;});}q.oninput=apply;
document.querySelectorAll('#review-filter button').forEach(function(b){b.onclick=function(){kind=b.dataset.kind;
document.querySelectorAll('#review-filter button').forEach(function(x){x.classList.toggle('on',x===b);});apply();};});
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){th.onclick=function(){var up=th.dataset.up!=='1';
th.dataset.up=up?'1':'0';var rows=Array.prototype.slice.call(body.rows);rows.sort(function(a,b){
var x=a.cells[i].dataset.v||a.cells[i].textContent,y=b.cells[i].dataset.v||b.cells[i].textContent,
n=parseFloat(x)-parseFloat(y),c=isNaN(n)?x.localeCompare(y):n;return up?c:-c;});
rows.forEach(function(r){body.appendChild(r);});};});})();
</script>)";

}  // namespace

bool ReviewTable::before(const Entry& a, const Entry& b) {
  if (a.kind != b.kind) return a.kind < b.kind;
  if (a.order != b.order) return a.order < b.order;
  return a.index < b.index;
}

void ReviewTable::add(const RowVotes& row, const VoteResult& result) {
  patterns_.add(row, result);
  const auto& gold = row.row.gold;
  if (gold && result.label && *result.label == *gold) return;
  const auto kind = kind_of(row.row, result);
  const bool unanimous = result.label && result.top_count == result.valid_votes;
  if (kind == ReviewKind::low_agreement && unanimous) return;  // without gold, a unanimous row has nothing to review
  ++counts_[static_cast<std::size_t>(kind)];
  // Disagreements: the surest vote first (the likelier gold error); without gold: the least sure.
  const double order = kind == ReviewKind::low_agreement ? agreement(result) : -agreement(result);
  Entry entry{kind, order, row.row.index, {}};
  if (kept_.size() >= max_listed) {
    if (!before(entry, kept_.front())) return;
    std::pop_heap(kept_.begin(), kept_.end(), before);
    kept_.pop_back();
  }
  entry.html = row_html(row, result, kind, labels_, format_);
  kept_.push_back(std::move(entry));
  std::push_heap(kept_.begin(), kept_.end(), before);
}

std::string ReviewTable::html(bool gold) const {
  std::size_t total = 0;
  for (const auto c : counts_) total += c;
  std::string out = gold ? "<h2>Rows to review first</h2><p class=\"note\">Rows whose label is not the gold: unanimous votes first "
                           "(likely gold errors), then ties, then the rest, the surest vote first.</p>"
                         : "<h2>Rows to review first</h2><p class=\"note\">No gold labels: the rows whose votes were not unanimous, the "
                           "lowest agreement first.</p>";
  if (total == 0) return out + (gold ? "<p>None: every label matches the gold.</p>" : "<p>None.</p>");
  out += "<div id=\"review-filter\"><button class=\"on\" data-kind=\"all\">all " + group_thousands(total) + "</button>";
  for (std::size_t k = 0; k < review_kinds; ++k) {
    if (counts_[k] == 0) continue;
    out += fmt::format("<button data-kind=\"{}\"><span class=\"kind {}\">{}</span> {}</button>", kind_ids[k], kind_ids[k], kind_names[k],
                       group_thousands(counts_[k]));
  }
  out += "<input id=\"review-search\" type=\"search\" placeholder=\"search the rows\"></div>";
  out +=
      "<table id=\"review\"><thead><tr><th>row</th><th>text</th><th>gold</th><th>model</th><th>votes</th><th>why</th><th>each vote "
      "and its reason</th></tr></thead><tbody>";
  auto sorted = kept_;
  std::sort(sorted.begin(), sorted.end(), before);
  for (const auto& entry : sorted) out += entry.html;
  out += "</tbody></table>";
  if (total > sorted.size())
    out += fmt::format("<p>{} more not listed (the first {} are; --details has every row).</p>", group_thousands(total - sorted.size()),
                       sorted.size());
  return out + review_script;
}

}  // namespace synthgen
