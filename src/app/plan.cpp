// The plan: read the sample's rows, render every prompt, count. Tokens are estimated at four
// characters each (the model's tokenizer is not at hand); completions at --max-tokens, the most.
#include "synthgen/app/plan.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "synthgen/app/row_feed.hpp"
#include "synthgen/app/steps.hpp"

namespace synthgen {

ExitCode run_plan(const RunConfig& config, const std::optional<Token>& token) {
  const auto prompt = load_prompt(config);
  HttpPool pool({config.concurrency, config.connect_timeout_ms, config.timeout_ms, config.ca_bundle});
  auto feed = RowFeed::open(config, pool, auth_headers(token), synthgen_cache_dir());
  std::size_t rows = 0;
  std::size_t prompt_chars = 0;
  for_each_row(feed, pool, config, [&](const Row& row) {
    ++rows;
    prompt_chars += prompt.render(row.text).size();
  });
  feed.keep_in_cache();
  const auto votes = static_cast<std::size_t>(config.votes);
  const auto first_wave = config.early_stop ? votes / 2 + 1 : votes;
  const auto prompt_tokens = prompt_chars / 4;
  const auto max_requests = rows * votes;
  const auto max_tokens = prompt_tokens * votes + max_requests * static_cast<std::size_t>(config.generation.max_tokens);
  std::string out = fmt::format("rows            {} from {}\n", rows, feed.description());
  out +=
      fmt::format("requests        {} at most ({} votes per row); at least {} with early stop\n", max_requests, votes, rows * first_wave);
  out += fmt::format("prompt tokens   about {} per vote, {} in all (4 characters a token)\n", rows == 0 ? 0 : prompt_tokens / rows,
                     prompt_tokens * votes);
  out += fmt::format("tokens          at most about {} with completions of --max-tokens {}\n", max_tokens, config.generation.max_tokens);
  if (const auto price = config.price_per_mtok; price > 0)
    out += fmt::format("cost            at most about {:.2f} at {} per million tokens\n", static_cast<double>(max_tokens) * price / 1e6,
                       price);
  std::fputs(out.c_str(), stdout);
  return ExitCode::ok;
}

}  // namespace synthgen
