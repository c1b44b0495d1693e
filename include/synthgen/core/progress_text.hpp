// What the progress line says: its fields, shortened to fit a terminal's width by dropping the least
// important first, and the same figures as one JSON object per line for CI dashboards.
// Pure: the caller measures the times and the width.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace synthgen {

struct ProgressFigures {
  std::size_t rows_done = 0;      // rows decided (their last vote in, or failed for good)
  std::size_t rows_total = 0;     // rows to decide in this run
  std::size_t answers_done = 0;   // votes settled (answered, from the store, or failed for good)
  std::size_t answers_total = 0;  // votes to settle (early stop lowers it as it goes)
  std::size_t requests = 0;       // sent, retries included
  std::size_t failed = 0;
  std::size_t retries = 0;
};

// The figures that need a clock: the recent request rate and the time left, when known.
struct ProgressPace {
  double elapsed_s = 0;
  std::optional<double> requests_per_s;
  std::optional<double> eta_s;
};

// One piece of the line; a narrow terminal drops the lowest `keep_rank` first.
struct ProgressField {
  std::string text;
  int keep_rank = 0;
};

// "412/2264 rows", "1234/6792 answers", "412 req/s", "3 failed", "12 retries", "ETA 0:14", in that
// order; the rate only once known, failures and retries only when there are any.
std::vector<ProgressField> progress_fields(const ProgressFigures& figures, const ProgressPace& pace);

// The fields joined by two spaces in at most `width` characters: the least important dropped first,
// then, with one left, the text cut.
std::string fit_progress(std::span<const ProgressField> fields, std::size_t width);

// Every field, however long.
std::string format_progress(const ProgressFigures& figures, const ProgressPace& pace);

// {"rows_done":..,"rows_total":..,"answers_done":..,"answers_total":..,"requests":..,"failed":..,
//  "retries":..,"req_per_s":..,"eta_s":..,"elapsed_s":..} on one line; an unknown rate or ETA is null.
std::string progress_json(const ProgressFigures& figures, const ProgressPace& pace);

// "0:14", "12:05", "2:00:00".
std::string clock_time(double seconds);

}  // namespace synthgen
