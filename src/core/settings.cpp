// The option table (the one place an option's name, default and help live) and the merge.
#include "synthgen/core/settings.hpp"

#include <array>

#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

// Size deduced, so a new option cannot leave a blank entry behind.
constexpr OptionSpec options[] = {
    {"subset", OptionSection::input, ValueKind::text, "sentences_allagree",
     "dataset configuration (PhraseBank: sentences_allagree, sentences_75agree, sentences_66agree, sentences_50agree)"},
    {"dataset", OptionSection::input, ValueKind::text, "takala/financial_phrasebank",
     "Hugging Face dataset id, read through the dataset viewer's /rows"},
    {"split", OptionSection::sampling, ValueKind::text, "train", "dataset split"},
    {"input", OptionSection::input, ValueKind::file, "",
     "read rows from a local .jsonl or .csv file instead of the Hub (-: standard input, with --input-format)"},
    {"input-format", OptionSection::input, ValueKind::text, "", "the --input file's format: jsonl or csv [default: from its extension]", "",
     "jsonl csv"},
    {"text-column", OptionSection::input, ValueKind::text, "sentence", "column holding the text to label"},
    {"label-column", OptionSection::input, ValueKind::text, "label", "column holding the human (gold) label: a name or a ClassLabel index"},
    {"labels", OptionSection::input, ValueKind::text, "",
     "the label set, comma-separated, for data whose labels are not a ClassLabel or that has none (then no gold)"},
    {"n-sample", OptionSection::sampling, ValueKind::integer, "0", "label a seeded random sample of this many rows (0: all rows)"},
    {"seed", OptionSection::sampling, ValueKind::integer, "42",
     "seed for the sample, each vote's generation seed, tie-breaks and the test split"},
    {"test-size", OptionSection::sampling, ValueKind::real, "0",
     "hold out a test split of the sample, stratified by gold label: a share (0.2) or a number of rows (453); its rows go to "
     "--test-output with their human labels, the others to --output (0: no split)"},
    {"prompt", OptionSection::prompt, ValueKind::text, "cot",
     "prompt and answer format: simple (a label word) or cot (a JSON object with reason and label)", "", "simple cot"},
    {"prompt-file", OptionSection::prompt, ValueKind::file, "", "use this template instead of the built-in one; it must contain {text}"},
    {"votes", OptionSection::inference, ValueKind::integer, "3", "requests per row; the majority label wins (self-consistency)"},
    {"early-stop", OptionSection::inference, ValueKind::flag, "true",
     "ask for a row's further votes only while its majority is still open (--no-early-stop: all)"},
    {"concurrency", OptionSection::inference, ValueKind::integer, "64",
     "requests in flight at once (per endpoint of a pool, unless its URL#c=N says otherwise)"},
    {"api", OptionSection::inference, ValueKind::text, "openai",
     "wire format: openai (POST {endpoint}/chat/completions) or tgi (POST {endpoint}, raw text generation)", "", "openai tgi"},
    {"endpoint", OptionSection::inference, ValueKind::url, "https://router.huggingface.co/v1",
     "inference endpoint base URL; give it again for a pool of endpoints, each URL#c=N with its own concurrency and "
     "URL#token_env=NAME with its own token from the variable NAME, or both: URL#c=N,token_env=NAME (config file: "
     "endpoints = [...]; SYNTHGEN_ENDPOINT: space-separated)"},
    {"model", OptionSection::inference, ValueKind::text, "mistralai/Mixtral-8x7B-Instruct-v0.1",
     "model id (a :provider suffix is passed on)"},
    {"temperature", OptionSection::inference, ValueKind::real, "0.8", "sampling temperature"},
    {"top-p", OptionSection::inference, ValueKind::real, "0.9", "nucleus sampling top_p"},
    {"max-tokens", OptionSection::inference, ValueKind::integer, "128", "most tokens to generate per answer"},
    {"parser", OptionSection::prompt, ValueKind::text, "strict",
     "answer parser: strict (hedges are no vote) or legacy (the notebook's substring rule)", "", "strict legacy"},
    {"output", OptionSection::outputs, ValueKind::file, "df_train.csv",
     "training file to write (text,labels); -: standard output (the report then goes to stderr)"},
    {"test-output", OptionSection::outputs, ValueKind::file, "",
     "with --test-size: the test file (text,labels with the human labels, llm_label) [default: df_test.csv beside --output]"},
    {"metrics-json", OptionSection::outputs, ValueKind::file, "", "also write the metrics as JSON to this file"},
    {"details", OptionSection::outputs, ValueKind::file, "",
     "also write one JSON line per row to this file: text, gold, label, agreement, each vote's label, answer and reason"},
    {"report", OptionSection::outputs, ValueKind::file, "",
     "also write a self-contained HTML report to review the labels (confusion matrix, accuracy per vote pattern, the rows to "
     "review first, with their votes and reasons) to this file"},
    {"with-confidence", OptionSection::outputs, ValueKind::flag, "false",
     "add an agreement column (share of votes for the label) to the training CSV"},
    {"min-accuracy", OptionSection::gates, ValueKind::real, "0", "exit with code 7 (after writing everything) when accuracy is below this"},
    {"min-macro-f1", OptionSection::gates, ValueKind::real, "0", "exit with code 7 (after writing everything) when macro-F1 is below this"},
    {"price-per-mtok", OptionSection::gates, ValueKind::real, "0",
     "price per million tokens (prompt and completion), for --max-cost and `plan`'s estimate"},
    {"max-cost", OptionSection::gates, ValueKind::real, "0",
     "stop before spending more than this, counted from the answers' real usage figures and --price-per-mtok (0: no limit); exit 8"},
    {"max-requests", OptionSection::gates, ValueKind::integer, "0",
     "send at most this many requests, retries included (0: no limit); exit 8 when reached"},
    {"datasets-server", OptionSection::network, ValueKind::url, "https://datasets-server.huggingface.co", "dataset viewer API base URL"},
    {"hub-endpoint", OptionSection::network, ValueKind::url, "https://huggingface.co", "Hub base URL", "HF_ENDPOINT"},
    {"connect-timeout", OptionSection::network, ValueKind::real, "10", "seconds to wait for a connection"},
    {"timeout", OptionSection::network, ValueKind::real, "120", "seconds a whole request may take"},
    {"max-response-bytes", OptionSection::network, ValueKind::integer, "1048576",
     "the longest answer taken from the inference endpoint, in bytes once decompressed; a longer one fails (too_large), unretried"},
    {"ca-bundle", OptionSection::network, ValueKind::file, "",
     "PEM file of CA certificates to verify TLS peers with (verification is always on)", "CURL_CA_BUNDLE SSL_CERT_FILE"},
    {"max-retries", OptionSection::reliability, ValueKind::integer, "5",
     "retries of a request that failed for a passing reason (429, 5xx, network)"},
    {"max-retry-wait", OptionSection::reliability, ValueKind::real, "60",
     "the longest wait in seconds before one retry, whatever the server asks"},
    {"cache", OptionSection::reliability, ValueKind::file, "",
     "the response store (SQLite) [default: $XDG_CACHE_HOME/synthgen/responses.sqlite3]"},
    {"no-cache", OptionSection::reliability, ValueKind::flag, "false", "neither read nor write the response store"},
    {"offline", OptionSection::reliability, ValueKind::flag, "false",
     "no network call: rows from the download cache, answers from the response store only", "HF_HUB_OFFLINE"},
    {"shard", OptionSection::shards, ValueKind::text, "",
     "label only shard K of N of the sample (K/N, K from 0), or auto: from the scheduler (Slurm array, Kubernetes Indexed Job, AWS "
     "Batch array); writes OUTPUT.shard.jsonl beside --output for `synthgen merge`"},
    {"push-to-hub", OptionSection::outputs, ValueKind::text, "",
     "after a good run, publish the training file and a dataset card as the dataset repo OWNER/NAME on the Hub (needs a token "
     "with write access)"},
    {"private", OptionSection::outputs, ValueKind::flag, "false", "--push-to-hub: create the dataset repo private"},
    {"revision", OptionSection::outputs, ValueKind::text, "main", "--push-to-hub: the branch to commit to"},
    {"license", OptionSection::outputs, ValueKind::text, "",
     "--push-to-hub: the dataset card's license (a Hub license id, e.g. cc-by-4.0) [default: the source's, when known]"},
    {"batch-out", OptionSection::batch, ValueKind::file, "batch_requests.jsonl",
     "`batch export`: the request file to write (more parts: NAME.2.jsonl, ...)"},
    {"batch-max-requests", OptionSection::batch, ValueKind::integer, "50000",
     "`batch export` and `submit`: most requests in one file (the OpenAI Batch API's limit; 0: no limit)"},
    {"batch-max-bytes", OptionSection::batch, ValueKind::integer, "200000000",
     "`batch export` and `submit`: most bytes in one file (the OpenAI Batch API's 200 MB; 0: no limit)"},
    {"wait", OptionSection::batch, ValueKind::flag, "false", "`batch collect`: poll until every batch has ended, then collect"},
    {"poll-interval", OptionSection::batch, ValueKind::real, "30", "`batch collect --wait`: seconds between two looks at the batches"},
    {"log-level", OptionSection::outputs, ValueKind::text, "info", "stderr detail: trace, debug, info, warn, error or off", "",
     "trace debug info warn error off"},
    {"quiet", OptionSection::outputs, ValueKind::flag, "false", "print nothing on stderr but errors"},
    {"progress", OptionSection::outputs, ValueKind::text, "auto",
     "progress on stderr: auto (redrawn on a terminal, a line every 5 s elsewhere, none with --quiet or -v), json (one JSON object "
     "a second and a last one at the end, for CI dashboards; --quiet or not) or off",
     "", "auto json off"},
    {"no-report", OptionSection::outputs, ValueKind::flag, "false", "do not print the metrics report on stdout"},
};

}  // namespace

std::span<const OptionSpec> option_table() { return options; }

std::string_view section_title(OptionSection section) {
  constexpr std::array<std::string_view, option_sections> titles{
      "Input", "Sampling and split", "Prompt", "Inference", "Reliability", "Outputs", "Gates", "Network", "Batch engines", "Shards"};
  return titles.at(static_cast<std::size_t>(section));
}

std::string_view metavar(ValueKind kind) {
  constexpr std::array<std::string_view, 6> names{"TEXT", "INT", "FLOAT", "FILE", "URL", ""};
  return names.at(static_cast<std::size_t>(kind));
}

std::vector<std::string_view> option_choices(const OptionSpec& spec) {
  std::vector<std::string_view> choices;
  auto rest = spec.choices;
  while (!rest.empty()) {
    const auto space = rest.find(' ');
    if (const auto word = rest.substr(0, space); !word.empty()) choices.push_back(word);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  return choices;
}

std::string env_name(std::string_view option) {
  std::string name = "SYNTHGEN_";
  for (const char c : option) name += c == '-' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return name;
}

Settings merge_settings(std::span<const OptionSpec> table, const EnvLookup& env, const FlagValues& flags) {
  return merge_settings(table, FileValues{}, env, flags);
}

std::optional<std::string_view> option_for_key(std::span<const OptionSpec> table, std::string_view key) {
  for (const auto& spec : table) {
    if (spec.name.size() != key.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < key.size() && same; ++i) same = spec.name[i] == key[i] || (spec.name[i] == '-' && key[i] == '_');
    if (same) return spec.name;
  }
  return std::nullopt;
}

Settings merge_settings(std::span<const OptionSpec> table, const FileValues& file, const EnvLookup& env, const FlagValues& flags) {
  Settings settings;
  for (const auto& spec : table) {
    SettingValue value{std::string(spec.default_value), ValueSource::default_value, "default"};
    if (auto from_file = file.values.find(spec.name); from_file != file.values.end()) {
      value = {from_file->second, ValueSource::file, file.path};
    }
    for (const auto& name : split_list(spec.fallback_env, ' ')) {
      if (auto fallback = env(name); fallback && !fallback->empty()) {
        value = {*fallback, ValueSource::environment, name};
        break;
      }
    }
    const auto variable = env_name(spec.name);
    if (auto from_env = env(variable)) value = {*from_env, ValueSource::environment, variable};
    if (auto flag = flags.find(spec.name); flag != flags.end()) value = {flag->second, ValueSource::flag, "--" + std::string(spec.name)};
    settings.emplace(std::string(spec.name), std::move(value));
  }
  return settings;
}

void note_dotenv_origins(Settings& settings, const std::set<std::string, std::less<>>& from_dotenv, std::string_view dotenv_path) {
  for (auto& [name, value] : settings) {
    if (value.source == ValueSource::environment && from_dotenv.contains(value.origin))
      value.origin = std::string(dotenv_path) + ": " + value.origin;
  }
}

}  // namespace synthgen
