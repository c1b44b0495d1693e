// --push-to-hub: reads back the committed training file, writes its dataset card, and commits the
// splits and the card to the Hub (io/hub_upload; the CSVs go from disk, through Git LFS if the Hub
// asks). A push that fails leaves the run's files on disk and exits 4 or 5, never 0.
#include "synthgen/app/publish.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <vector>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/dataset_card.hpp"
#include "synthgen/io/files.hpp"
#include "synthgen/io/hub_upload.hpp"

namespace synthgen {
namespace {

std::size_t data_rows(const std::vector<std::pair<std::string, std::size_t>>& counts) {
  std::size_t rows = 0;
  for (const auto& [label, count] : counts) rows += count;
  return rows;
}

std::string card_for(const RunConfig& config, const HubRepoId& repo, const RunSummary& summary,
                     const std::vector<std::pair<std::string, std::size_t>>& train) {
  DatasetCardFacts facts;
  facts.repo = repo;
  facts.license = config.license;
  facts.splits = {{"train", "data/train.csv", data_rows(train)}};
  facts.provenance = summary.provenance;  // as the metrics JSON says it: the endpoint redacted
  facts.train_labels = train;
  // With --test-size the held-out split goes too, and its figures come first (as the notebook
  // reports them): the LLM's labels of the test rows against their human labels.
  if (summary.test) facts.splits.push_back({"test", "data/test.csv", summary.test->rows});
  const auto score = [&](const char* split, const Metrics& m) {
    if (summary.has_gold && m.scored > 0) facts.scores.push_back({split, m.scored, m.accuracy, m.macro_f1});
  };
  if (summary.test && summary.train) {
    score("test", summary.test->metrics);
    score("train", summary.train->metrics);
  } else {
    score("all", summary.metrics);
  }
  return dataset_card(facts);
}

ExitCode exit_code_of(HubFailure kind) { return kind == HubFailure::auth ? ExitCode::auth : ExitCode::service; }

std::string advice_for(HubFailure kind, const HubRepoId& repo) {
  const auto by_hand = fmt::format("`hf upload {} . --repo-type dataset`", repo.id());
  switch (kind) {
    case HubFailure::too_large: return "; upload the files by hand: " + by_hand;
    default: return "";
  }
}

}  // namespace

void require_token_for_push(const RunConfig& config, const std::optional<Token>& token) {
  if (!config.push_to_hub || token) return;
  throw RunError(ExitCode::auth,
                 "--push-to-hub needs a Hugging Face token with write access: set HF_TOKEN in the environment or in .env "
                 "(or log in with `hf auth login`)");
}

void push_to_hub(const RunConfig& config, const Token& token, const RunSummary& summary, const LabelSet& labels, HttpPool& pool) {
  if (!config.push_to_hub) return;
  const auto& repo = *config.push_to_hub;
  auto train = read_file(config.output);
  if (!train) throw RunError(ExitCode::output, "cannot read back " + output_name(config.output) + " to push it: " + train.error());
  const auto counts = label_distribution(*train, labels.names);
  if (!counts) throw RunError(ExitCode::internal, output_name(config.output) + " is not the training file just written: " + counts.error());
  std::string().swap(*train);  // the splits go from disk: a big one through Git LFS, read as it is sent
  std::vector<HubFile> files{{"data/train.csv", {}, config.output}, {"README.md", card_for(config, repo, summary, *counts), {}}};
  if (summary.test) files.insert(files.begin() + 1, HubFile{"data/test.csv", {}, summary.test->file});
  const HubTarget target{config.hub_endpoint, repo, config.revision, config.private_repo};
  spdlog::info("pushing {} rows to the dataset {} on {} ({})", data_rows(*counts), repo.id(), redact_url(config.hub_endpoint),
               config.revision);
  const auto pushed = push_files(pool, target, token.value, files, fmt::format("Upload {} rows labeled by synthgen", data_rows(*counts)));
  if (!pushed) {
    throw RunError(exit_code_of(pushed.error().kind), "--push-to-hub " + repo.id() + ": " + pushed.error().message +
                                                          advice_for(pushed.error().kind, repo) +
                                                          "; the run's files are written on disk (" + output_name(config.output) + ")");
  }
  spdlog::info("published {}{}", repo.id(), pushed->empty() ? "" : ": " + *pushed);
}

}  // namespace synthgen
