// The progress line's fields, their fitting to a width, and the JSON form of the same figures.
#include "synthgen/core/progress_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace synthgen {
namespace {

// Kept longest first: the rows decided, the time left, the failures (news), the answers, the rate.
constexpr int rank_rows = 6;
constexpr int rank_eta = 5;
constexpr int rank_failed = 4;
constexpr int rank_answers = 3;
constexpr int rank_rate = 2;
constexpr int rank_retries = 1;

constexpr std::string_view separator = "  ";

std::string join_kept(std::span<const ProgressField> fields, const std::vector<bool>& kept) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!kept[i]) continue;
    if (!line.empty()) line += separator;
    line += fields[i].text;
  }
  return line;
}

// The kept field to drop next: the lowest rank, the later one of equals.
std::size_t least_important(std::span<const ProgressField> fields, const std::vector<bool>& kept) {
  std::size_t chosen = fields.size();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (kept[i] && (chosen == fields.size() || fields[i].keep_rank <= fields[chosen].keep_rank)) chosen = i;
  }
  return chosen;
}

std::string json_number(std::optional<double> value) { return value ? fmt::format("{:.1f}", *value) : std::string("null"); }

}  // namespace

std::string clock_time(double seconds) {
  const auto s = std::lround(std::max(0.0, seconds));
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{}:{:02}", s / 60, s % 60);
}

std::vector<ProgressField> progress_fields(const ProgressFigures& f, const ProgressPace& pace) {
  std::vector<ProgressField> fields;
  fields.push_back({fmt::format("{}/{} rows", f.rows_done, f.rows_total), rank_rows});
  fields.push_back({fmt::format("{}/{} answers", f.answers_done, f.answers_total), rank_answers});
  if (pace.requests_per_s) fields.push_back({fmt::format("{:.0f} req/s", *pace.requests_per_s), rank_rate});
  if (f.failed > 0) fields.push_back({fmt::format("{} failed", f.failed), rank_failed});
  if (f.retries > 0) fields.push_back({fmt::format("{} retries", f.retries), rank_retries});
  fields.push_back({"ETA " + (pace.eta_s ? clock_time(*pace.eta_s) : std::string("?")), rank_eta});
  return fields;
}

std::string fit_progress(std::span<const ProgressField> fields, std::size_t width) {
  std::vector<bool> kept(fields.size(), true);
  auto line = join_kept(fields, kept);
  for (auto left = fields.size(); line.size() > width && left > 1; --left) {
    kept[least_important(fields, kept)] = false;
    line = join_kept(fields, kept);
  }
  if (line.size() > width) line.resize(width);
  return line;
}

std::string format_progress(const ProgressFigures& figures, const ProgressPace& pace) {
  const auto fields = progress_fields(figures, pace);
  return fit_progress(fields, std::string::npos);
}

std::string progress_json(const ProgressFigures& f, const ProgressPace& pace) {
  return fmt::format(R"({{"rows_done":{},"rows_total":{},"answers_done":{},"answers_total":{},"requests":{},"failed":{},"retries":{},)"
                     R"("req_per_s":{},"eta_s":{},"elapsed_s":{:.1f}}})",
                     f.rows_done, f.rows_total, f.answers_done, f.answers_total, f.requests, f.failed, f.retries,
                     json_number(pace.requests_per_s), json_number(pace.eta_s), pace.elapsed_s);
}

}  // namespace synthgen
