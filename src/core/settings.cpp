// The option table (the one place an option's name, default and help live) and the merge.
#include "synthgen/core/settings.hpp"

#include <array>

#include "synthgen/core/text.hpp"

namespace synthgen {
namespace {

// Size deduced, so a new option cannot leave a blank entry behind.
constexpr OptionSpec options[] = {
    {"subset", "sentences_allagree",
     "dataset configuration (PhraseBank: sentences_allagree, sentences_75agree, sentences_66agree, sentences_50agree)"},
    {"dataset", "takala/financial_phrasebank", "Hugging Face dataset id, read through the dataset viewer's /rows"},
    {"split", "train", "dataset split"},
    {"input", "", "read rows from a local .jsonl or .csv file instead of the Hub (-: standard input, with --input-format)"},
    {"input-format", "", "the --input file's format: jsonl or csv [default: from its extension]"},
    {"text-column", "sentence", "column holding the text to label"},
    {"label-column", "label", "column holding the human (gold) label: a name or a ClassLabel index"},
    {"labels", "", "the label set, comma-separated, for data whose labels are not a ClassLabel or that has none (then no gold)"},
    {"n-sample", "0", "label a seeded random sample of this many rows (0: all rows)"},
    {"seed", "42", "seed for the sample, each vote's generation seed, tie-breaks and the test split"},
    {"test-size", "0",
     "hold out a test split of the sample, stratified by gold label: a share (0.2) or a number of rows (453); its rows go to "
     "--test-output with their human labels, the others to --output (0: no split)"},
    {"prompt", "cot", "prompt and answer format: simple (a label word) or cot (a JSON object with reason and label)"},
    {"prompt-file", "", "use this template instead of the built-in one; it must contain {text}"},
    {"votes", "3", "requests per row; the majority label wins (self-consistency)"},
    {"early-stop", "true", "ask for a row's further votes only while its majority is still open (--no-early-stop: all)"},
    {"concurrency", "64", "requests in flight at once (per endpoint of a pool, unless its URL#c=N says otherwise)"},
    {"api", "openai", "wire format: openai (POST {endpoint}/chat/completions) or tgi (POST {endpoint}, raw text generation)"},
    {"endpoint", "https://router.huggingface.co/v1",
     "inference endpoint base URL; give it again for a pool of endpoints, each URL#c=N with its own concurrency (config file: "
     "endpoints = [...]; SYNTHGEN_ENDPOINT: space-separated)"},
    {"model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "model id (a :provider suffix is passed on)"},
    {"temperature", "0.8", "sampling temperature"},
    {"top-p", "0.9", "nucleus sampling top_p"},
    {"max-tokens", "128", "most tokens to generate per answer"},
    {"parser", "strict", "answer parser: strict (hedges are no vote) or legacy (the notebook's substring rule)"},
    {"output", "df_train.csv", "training file to write (text,labels); -: standard output (the report then goes to stderr)"},
    {"test-output", "",
     "with --test-size: the test file (text,labels with the human labels, llm_label) [default: df_test.csv beside --output]"},
    {"metrics-json", "", "also write the metrics as JSON to this file"},
    {"details", "", "also write one JSON line per row to this file: text, gold, label, agreement, each vote's label, answer and reason"},
    {"report", "", "also write a self-contained HTML report (heat map, per-class bars, agreement, disagreeing rows) to this file"},
    {"with-confidence", "false", "add an agreement column (share of votes for the label) to the training CSV"},
    {"min-accuracy", "0", "exit with code 7 (after writing everything) when accuracy is below this"},
    {"min-macro-f1", "0", "exit with code 7 (after writing everything) when macro-F1 is below this"},
    {"price-per-mtok", "0", "price per million tokens (prompt and completion), for --max-cost and `plan`'s estimate"},
    {"max-cost", "0",
     "stop before spending more than this, counted from the answers' real usage figures and --price-per-mtok (0: no limit); exit 8"},
    {"max-requests", "0", "send at most this many requests, retries included (0: no limit); exit 8 when reached"},
    {"datasets-server", "https://datasets-server.huggingface.co", "dataset viewer API base URL"},
    {"hub-endpoint", "https://huggingface.co", "Hub base URL", "HF_ENDPOINT"},
    {"connect-timeout", "10", "seconds to wait for a connection"},
    {"timeout", "120", "seconds a whole request may take"},
    {"max-response-bytes", "1048576",
     "the longest answer taken from the inference endpoint, in bytes once decompressed; a longer one fails (too_large), unretried"},
    {"ca-bundle", "", "PEM file of CA certificates to verify TLS peers with (verification is always on)", "CURL_CA_BUNDLE SSL_CERT_FILE"},
    {"max-retries", "5", "retries of a request that failed for a passing reason (429, 5xx, network)"},
    {"max-retry-wait", "60", "the longest wait in seconds before one retry, whatever the server asks"},
    {"cache", "", "the response store (SQLite) [default: $XDG_CACHE_HOME/synthgen/responses.sqlite3]"},
    {"no-cache", "false", "neither read nor write the response store"},
    {"offline", "false", "no network call: rows from the download cache, answers from the response store only", "HF_HUB_OFFLINE"},
    {"shard", "",
     "label only shard K of N of the sample (K/N, K from 0), or auto: from the scheduler (Slurm array, Kubernetes Indexed Job, AWS "
     "Batch array); writes OUTPUT.shard.jsonl beside --output for `synthgen merge`"},
    {"push-to-hub", "",
     "after a good run, publish the training file and a dataset card as the dataset repo OWNER/NAME on the Hub (needs a token "
     "with write access)"},
    {"private", "false", "--push-to-hub: create the dataset repo private"},
    {"revision", "main", "--push-to-hub: the branch to commit to"},
    {"license", "", "--push-to-hub: the dataset card's license (a Hub license id, e.g. cc-by-4.0) [default: the source's, when known]"},
    {"batch-out", "batch_requests.jsonl", "`batch export`: the request file to write (more parts: NAME.2.jsonl, ...)"},
    {"batch-max-requests", "50000", "`batch export` and `submit`: most requests in one file (the OpenAI Batch API's limit; 0: no limit)"},
    {"batch-max-bytes", "200000000", "`batch export` and `submit`: most bytes in one file (the OpenAI Batch API's 200 MB; 0: no limit)"},
    {"wait", "false", "`batch collect`: poll until every batch has ended, then collect"},
    {"poll-interval", "30", "`batch collect --wait`: seconds between two looks at the batches"},
    {"log-level", "info", "stderr detail: trace, debug, info, warn, error or off"},
    {"quiet", "false", "print nothing on stderr but errors"},
    {"no-report", "false", "do not print the metrics report on stdout"},
};

}  // namespace

std::span<const OptionSpec> option_table() { return options; }

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
