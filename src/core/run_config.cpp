// Conversion of merged settings to a RunConfig, one checked field at a time.
#include "synthgen/core/run_config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>
#include <vector>

#include "synthgen/core/secrets.hpp"
#include "synthgen/core/text.hpp"
#include "synthgen/core/wire_format.hpp"

namespace synthgen {
namespace {

const std::string& raw(const Settings& s, std::string_view option) { return s.find(option)->second.value; }

// "--votes", or "--votes (from SYNTHGEN_VOTES)" when the value came from the environment.
std::string named(const Settings& s, std::string_view option) {
  const auto& setting = s.find(option)->second;
  const auto flag = "--" + std::string(option);
  const bool elsewhere = setting.source == ValueSource::environment || setting.source == ValueSource::file;
  return elsewhere ? flag + " (from " + setting.origin + ")" : flag;
}

std::string bad(const Settings& s, std::string_view option, const std::string& value, std::string_view wanted) {
  return named(s, option) + " must be " + std::string(wanted) + ", got '" + excerpt(value, 60) + "'";
}

template <typename Int>
std::expected<Int, std::string> whole(const Settings& s, std::string_view option, Int low, Int high) {
  const auto& text = raw(s, option);
  const auto trimmed = trim(text);
  Int value{};
  const auto [end, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
  if (ec != std::errc{} || end != trimmed.data() + trimmed.size() || trimmed.empty() || value < low || value > high) {
    return std::unexpected(bad(s, option, text, "a whole number from " + std::to_string(low) + " to " + std::to_string(high)));
  }
  return value;
}

std::expected<double, std::string> real(const Settings& s, std::string_view option, double low, double high, std::string_view wanted) {
  const auto& text = raw(s, option);
  const auto trimmed = trim(text);
  double value = 0;
  const auto [end, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
  if (ec != std::errc{} || end != trimmed.data() + trimmed.size() || trimmed.empty() || !std::isfinite(value) || value < low ||
      value > high) {
    return std::unexpected(bad(s, option, text, wanted));
  }
  return value;
}

std::expected<bool, std::string> boolean(const Settings& s, std::string_view option) {
  const auto value = to_lower_ascii(trim(raw(s, option)));
  if (value == "1" || value == "true" || value == "yes" || value == "on") return true;
  if (value.empty() || value == "0" || value == "false" || value == "no" || value == "off") return false;
  return std::unexpected(bad(s, option, raw(s, option), "true or false"));
}

// A base URL: http(s), a host, no query, fragment, space or control character; the user-info, if
// any, is never shown in the error.
std::expected<std::string, std::string> checked_url(const Settings& s, std::string_view option, std::string_view text) {
  auto value = std::string(trim(text));
  while (value.ends_with('/')) value.pop_back();
  const auto shown = redact_url(std::string(text));
  const auto scheme_end = value.find("://");
  const bool web = value.starts_with("http://") || value.starts_with("https://");
  const auto authority = web ? std::string_view(value).substr(scheme_end + 3, value.find('/', scheme_end + 3) - scheme_end - 3) : "";
  const auto host = authority.substr(authority.rfind('@') == std::string_view::npos ? 0 : authority.rfind('@') + 1);
  if (!web || host.empty() || host.front() == ':') {
    return std::unexpected(bad(s, option, shown, "an http:// or https:// URL with a host"));
  }
  const auto odd = std::find_if(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
  if (odd != value.end())
    return std::unexpected(bad(s, option, shown, "a URL without spaces or control characters (write a space as %20)"));
  if (value.find_first_of("?#") != std::string::npos) {
    return std::unexpected(bad(s, option, shown, "a base URL without a query (?...) or fragment (#...)"));
  }
  return value;
}

std::expected<std::string, std::string> url(const Settings& s, std::string_view option) { return checked_url(s, option, raw(s, option)); }

// --api openai posts to {endpoint}/chat/completions: an endpoint given with that path already is
// taken as its base, and the note says so.
std::string chat_base(std::string endpoint, std::vector<std::string>& notes) {
  constexpr std::string_view path = "/chat/completions";
  if (!endpoint.ends_with(path)) return endpoint;
  auto base = endpoint.substr(0, endpoint.size() - path.size());
  notes.push_back("--endpoint " + redact_url(endpoint) + " already ends in " + std::string(path) + "; using " + redact_url(base) +
                  " as the base URL");
  return base;
}

constexpr std::string_view endpoint_forms =
    "URL or URL#SETTINGS, SETTINGS comma-separated and each at most once: c=N (N a whole number from 1 to 4096) and "
    "token_env=NAME (the environment variable holding its token: letters, digits and _, not starting with a digit)";

// An environment variable's name as a shell takes it.
bool is_variable_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

// One setting of an endpoint's fragment, `key=value`, into `spec`; false when it is not one, or is given twice.
bool take_endpoint_setting(std::string_view setting, EndpointSpec& spec, bool& had_c) {
  const auto equals = setting.find('=');
  if (equals == std::string_view::npos) return false;
  const auto key = setting.substr(0, equals);
  const auto value = setting.substr(equals + 1);
  if (key == "c" && !had_c) {
    had_c = true;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), spec.concurrency);
    return ec == std::errc{} && end == value.data() + value.size() && !value.empty() && spec.concurrency >= 1 && spec.concurrency <= 4096;
  }
  if (key == "token_env" && spec.token_env.empty()) {
    spec.token_env = std::string(value);
    return is_variable_name(value);
  }
  return false;
}

// The endpoint as a bad-value error shows it: without user-info, and with the value of a setting
// it does not know masked (`#token=...` may be the token itself, which belongs in a variable).
std::string shown_endpoint(std::string_view item, std::size_t hash) {
  auto shown = redact_url(item.substr(0, hash)) + "#";
  auto settings = item.substr(hash + 1);
  for (bool first = true;; first = false) {
    const auto comma = settings.find(',');
    const auto setting = settings.substr(0, comma);
    const auto key = setting.substr(0, setting.find('='));
    const bool known = key == "c" || key == "token_env" || key.size() == setting.size();
    shown += (first ? "" : ",") + std::string(known ? setting : std::string(key) + "=***");
    if (comma == std::string_view::npos) return shown;
    settings = settings.substr(comma + 1);
  }
}

// One --endpoint: URL, or URL#SETTINGS for its own concurrency and token (a URL has no fragment otherwise).
std::expected<EndpointSpec, std::string> endpoint_spec(const Settings& s, std::string_view item, int concurrency) {
  item = trim(item);
  EndpointSpec spec{std::string(item), concurrency, {}};
  // A fragment without '=' is no settings: checked_url says a base URL has no fragment.
  if (const auto hash = item.find('#'); hash != std::string_view::npos && item.find('=', hash) != std::string_view::npos) {
    auto settings = item.substr(hash + 1);
    bool had_c = false;
    for (;;) {
      const auto comma = settings.find(',');
      if (!take_endpoint_setting(settings.substr(0, comma), spec, had_c)) {
        return std::unexpected(bad(s, "endpoint", shown_endpoint(item, hash), endpoint_forms));
      }
      if (comma == std::string_view::npos) break;
      settings = settings.substr(comma + 1);
    }
    item = item.substr(0, hash);
  }
  auto checked = checked_url(s, "endpoint", item);
  if (!checked) return std::unexpected(checked.error());
  spec.url = std::move(*checked);
  return spec;
}

// --endpoint given once or more (the settings value holds them one per line; the environment's,
// space-separated): the pool, each URL once.
std::expected<std::vector<EndpointSpec>, std::string> endpoint_specs(const Settings& s, int concurrency) {
  std::vector<EndpointSpec> specs;
  std::string item;
  const auto take_item = [&]() -> std::expected<void, std::string> {
    if (trim(item).empty()) return {};
    auto spec = endpoint_spec(s, item, concurrency);
    item.clear();
    if (!spec) return std::unexpected(spec.error());
    for (const auto& other : specs) {
      if (other.url == spec->url) return std::unexpected(named(s, "endpoint") + " names " + redact_url(spec->url) + " twice");
    }
    specs.push_back(std::move(*spec));
    return {};
  };
  // The environment holds one line: there a space separates, elsewhere it is a bad URL's.
  const bool spaced = s.find("endpoint")->second.source == ValueSource::environment;
  for (const char c : raw(s, "endpoint")) {
    if (c != '\n' && (c != ' ' || !spaced)) {
      item += c;
    } else if (auto taken = take_item(); !taken) {
      return std::unexpected(taken.error());
    }
  }
  if (auto taken = take_item(); !taken) return std::unexpected(taken.error());
  if (specs.empty()) return std::unexpected(bad(s, "endpoint", raw(s, "endpoint"), "an http:// or https:// URL with a host"));
  return specs;
}

std::expected<std::string, std::string> one_of(const Settings& s, std::string_view option,
                                               std::initializer_list<std::string_view> allowed) {
  const auto value = to_lower_ascii(trim(raw(s, option)));
  std::string names;
  for (const auto a : allowed) {
    if (value == a) return value;
    names += (names.empty() ? "" : ", ") + std::string(a);
  }
  return std::unexpected(bad(s, option, raw(s, option), "one of " + names));
}

std::expected<ApiKind, std::string> api_kind(const Settings& s) {
  const auto value = to_lower_ascii(trim(raw(s, "api")));
  if (const auto kind = wire_format_named(value)) return *kind;
  std::string names;
  for (const auto& format : wire_formats()) names += (names.empty() ? "" : ", ") + std::string(format.name);
  return std::unexpected(bad(s, "api", raw(s, "api"), "one of " + names));
}

// --progress, by name: a table, so a new mode cannot fall through to another.
std::expected<ProgressMode, std::string> progress_mode(const Settings& s) {
  constexpr std::pair<std::string_view, ProgressMode> modes[] = {
      {"auto", ProgressMode::automatic}, {"json", ProgressMode::json}, {"off", ProgressMode::off}};
  const auto value = to_lower_ascii(trim(raw(s, "progress")));
  std::string names;
  for (const auto& [name, mode] : modes) {
    if (value == name) return mode;
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  return std::unexpected(bad(s, "progress", raw(s, "progress"), "one of " + names));
}

std::expected<std::string, std::string> non_empty(const Settings& s, std::string_view option) {
  auto value = std::string(trim(raw(s, option)));
  if (value.empty()) return std::unexpected(named(s, option) + " must not be empty");
  return value;
}

std::expected<InputFormat, std::string> input_format(const Settings& s) {
  const auto value = to_lower_ascii(trim(raw(s, "input-format")));
  if (value.empty()) return InputFormat::by_extension;
  if (value == "jsonl") return InputFormat::jsonl;
  if (value == "csv") return InputFormat::csv;
  return std::unexpected(bad(s, "input-format", raw(s, "input-format"), "jsonl or csv"));
}

bool is_stdout(const std::string& path) { return path == "-" || path == "/dev/stdout"; }

// "-" is standard output for one output at most, never the response store (an SQLite file), and
// standard input only with a format, as it has no extension.
std::string check_standard_streams(const Settings& s, const RunConfig& c) {
  std::vector<std::string> on_stdout;
  for (const auto& [option, path] :
       {std::pair{"output", &c.output}, std::pair{"details", &c.details}, std::pair{"metrics-json", &c.metrics_json},
        std::pair{"report", &c.html_report}, std::pair{"test-output", &c.test_output}}) {
    if (is_stdout(*path)) on_stdout.push_back(named(s, option));
  }
  if (on_stdout.size() > 1) {
    return on_stdout[0] + " and " + on_stdout[1] + " both write to standard output: only one output may; give the other a file name";
  }
  if (!c.shard_text.empty() && is_stdout(c.output))
    return named(s, "shard") + " writes its part beside --output: give --output a file name (e.g. part-$K.csv)";
  if (c.use_cache && c.cache_path == "-")
    return named(s, "cache") + " cannot be - : the response store is an SQLite file; give a file name, or --no-cache";
  if (c.input_file == "-" && c.input_format == InputFormat::by_extension) {
    return named(s, "input") + " - (standard input) has no extension: say --input-format jsonl or csv";
  }
  return {};
}

// --push-to-hub OWNER/NAME and its companions; checked before anything is paid for.
std::string check_push(const Settings& s, RunConfig& c) {
  const auto repo = std::string(trim(raw(s, "push-to-hub")));
  if (repo.empty()) return {};
  auto id = parse_hub_repo_id(repo);
  if (!id) return named(s, "push-to-hub") + " " + id.error();
  c.push_to_hub = *id;
  c.revision = std::string(trim(raw(s, "revision")));
  if (c.revision.empty() || std::ranges::any_of(c.revision, [](char ch) { return ch <= ' '; }))
    return bad(s, "revision", raw(s, "revision"), "a branch name");
  c.license = std::string(trim(raw(s, "license")));
  if (c.license.empty() && c.input_file.empty()) c.license = known_license(c.dataset).value_or("");
  if (c.license.empty())
    return named(s, "push-to-hub") + " needs --license: the license of " + (c.input_file.empty() ? c.dataset : c.input_file) +
           " is not known to synthgen; give the Hub's id of the source's license (e.g. --license cc-by-4.0, or other)";
  if (!std::ranges::all_of(
          c.license, [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '-' || ch == '.' || ch == '+'; }))
    return bad(s, "license", raw(s, "license"), "a Hub license id (letters, digits, '-', '.', '+'), e.g. cc-by-4.0");
  if (is_stdout(c.output)) return named(s, "push-to-hub") + " publishes the --output file: give --output a file name, not -";
  if (!c.shard_text.empty())
    return named(s, "push-to-hub") + " publishes a whole run, not a shard: push after `synthgen merge` in a run without --shard";
  if (c.offline) return named(s, "push-to-hub") + " goes on the network: drop --offline (HF_HUB_OFFLINE)";
  return {};
}

// Assigns the checked value or records the first error.
template <typename T, typename U>
void take(std::expected<T, std::string> checked, U& field, std::string& error) {
  if (!checked) {
    if (error.empty()) error = checked.error();
    return;
  }
  field = static_cast<U>(*checked);
}

}  // namespace

std::expected<RunConfig, std::string> make_run_config(const Settings& s) {
  RunConfig c;
  std::string error;
  take(non_empty(s, "dataset"), c.dataset, error);
  take(non_empty(s, "subset"), c.subset, error);
  take(non_empty(s, "split"), c.split, error);
  c.input_file = std::string(trim(raw(s, "input")));
  take(input_format(s), c.input_format, error);
  take(non_empty(s, "text-column"), c.columns.text, error);
  take(non_empty(s, "label-column"), c.columns.label, error);
  c.labels = split_list(raw(s, "labels"), ',');
  c.columns.label_optional = !c.labels.empty();
  c.columns.numbers_are_names = !c.labels.empty();
  if (c.labels.size() == 1 && error.empty()) error = "--labels needs at least two labels, got '" + raw(s, "labels") + "'";
  take(whole<std::size_t>(s, "n-sample", 0, 100'000'000), c.n_sample, error);
  take(whole<std::uint64_t>(s, "seed", 0, UINT64_MAX), c.seed, error);
  if (auto size = parse_test_size(raw(s, "test-size")); size) {
    c.test_size = *size;
  } else if (error.empty()) {
    error = named(s, "test-size") + size.error().substr(std::string_view("--test-size").size());
  }
  take(one_of(s, "prompt", {"simple", "cot"}), c.prompt_name, error);
  c.prompt_file = std::string(trim(raw(s, "prompt-file")));
  c.answer_format = c.prompt_name == "simple" ? AnswerFormat::label_word : AnswerFormat::json_object;
  std::string parser;
  take(one_of(s, "parser", {"strict", "legacy"}), parser, error);
  c.parser = parser == "legacy" ? ParserKind::legacy : ParserKind::strict;
  take(whole<int>(s, "votes", 1, 100), c.votes, error);
  take(boolean(s, "early-stop"), c.early_stop, error);
  take(api_kind(s), c.api, error);
  take(whole<int>(s, "concurrency", 1, 4096), c.concurrency, error);
  take(endpoint_specs(s, c.concurrency), c.endpoints, error);
  for (auto& endpoint : c.endpoints) {
    if (c.api == ApiKind::openai) endpoint.url = chat_base(endpoint.url, c.notes);
  }
  if (!c.endpoints.empty()) c.endpoint = c.endpoints.front().url;
  take(non_empty(s, "model"), c.generation.model, error);
  take(real(s, "temperature", 0.0, 2.0, "a number from 0 to 2"), c.generation.temperature, error);
  take(real(s, "top-p", 0.0, 1.0, "a number from 0 to 1"), c.generation.top_p, error);
  take(whole<int>(s, "max-tokens", 1, 32768), c.generation.max_tokens, error);
  double connect_s = 0;
  double total_s = 0;
  take(real(s, "connect-timeout", 0.001, 3600.0, "a number of seconds from 0.001 to 3600"), connect_s, error);
  take(real(s, "timeout", 0.001, 86400.0, "a number of seconds from 0.001 to 86400"), total_s, error);
  c.connect_timeout_ms = std::lround(connect_s * 1000);
  c.timeout_ms = std::lround(total_s * 1000);
  take(whole<std::size_t>(s, "max-response-bytes", 1, std::size_t{1} << 30), c.max_response_bytes, error);
  c.ca_bundle = std::string(trim(raw(s, "ca-bundle")));
  take(whole<int>(s, "max-retries", 0, 100), c.max_retries, error);
  double retry_wait_s = 0;
  take(real(s, "max-retry-wait", 0.0, 3600.0, "a number of seconds from 0 to 3600"), retry_wait_s, error);
  c.max_retry_wait_ms = std::lround(retry_wait_s * 1000);
  c.cache_path = std::string(trim(raw(s, "cache")));
  bool no_cache = false;
  take(boolean(s, "no-cache"), no_cache, error);
  c.use_cache = !no_cache;
  take(boolean(s, "offline"), c.offline, error);
  take(url(s, "datasets-server"), c.datasets_server, error);
  take(url(s, "hub-endpoint"), c.hub_endpoint, error);
  take(non_empty(s, "output"), c.output, error);
  c.test_output = std::string(trim(raw(s, "test-output")));
  if (c.test_output.empty() && c.test_size.on()) c.test_output = default_test_output(c.output);
  c.metrics_json = std::string(trim(raw(s, "metrics-json")));
  c.details = std::string(trim(raw(s, "details")));
  c.html_report = std::string(trim(raw(s, "report")));
  take(boolean(s, "with-confidence"), c.with_confidence, error);
  take(real(s, "min-accuracy", 0.0, 1.0, "a number from 0 to 1"), c.min_accuracy, error);
  take(real(s, "min-macro-f1", 0.0, 1.0, "a number from 0 to 1"), c.min_macro_f1, error);
  take(whole<std::size_t>(s, "max-requests", 0, SIZE_MAX), c.max_requests, error);
  take(real(s, "price-per-mtok", 0.0, 1e6, "a number from 0 to 1000000"), c.price_per_mtok, error);
  take(real(s, "max-cost", 0.0, 1e9, "a number from 0 to 1000000000"), c.max_cost, error);
  if (c.max_cost > 0 && c.price_per_mtok <= 0 && error.empty()) error = "--max-cost needs --price-per-mtok to turn tokens into cost";
  c.shard_text = std::string(trim(raw(s, "shard")));
  if (c.shard_text != "auto") {
    if (auto shard = resolve_shard(c.shard_text, [](std::string_view) { return std::optional<std::string>(); }); shard) {
      c.shard = *shard;
    } else if (error.empty()) {
      error = shard.error();
    }
  }
  take(non_empty(s, "batch-out"), c.batch_out, error);
  take(whole<std::size_t>(s, "batch-max-requests", 0, SIZE_MAX), c.batch_max_requests, error);
  take(whole<std::size_t>(s, "batch-max-bytes", 0, SIZE_MAX), c.batch_max_bytes, error);
  take(boolean(s, "wait"), c.wait, error);
  double poll_s = 0;
  take(real(s, "poll-interval", 0.01, 86400.0, "a number of seconds from 0.01 to 86400"), poll_s, error);
  c.poll_interval_ms = std::lround(poll_s * 1000);
  take(one_of(s, "log-level", {"trace", "debug", "info", "warn", "error", "off"}), c.log_level, error);
  take(boolean(s, "quiet"), c.quiet, error);
  take(progress_mode(s), c.progress, error);
  bool no_report = false;
  take(boolean(s, "no-report"), no_report, error);
  c.print_report = !no_report;
  take(boolean(s, "private"), c.private_repo, error);
  if (error.empty()) error = check_standard_streams(s, c);
  if (error.empty()) error = check_push(s, c);
  if (!error.empty()) return std::unexpected(error);
  return c;
}

std::string default_test_output(const std::string& output) {
  const auto slash = is_stdout(output) ? std::string::npos : output.rfind('/');
  return slash == std::string::npos ? std::string("df_test.csv") : output.substr(0, slash + 1) + "df_test.csv";
}

int in_flight_ceiling(const RunConfig& config) {
  if (config.endpoints.empty()) return config.concurrency;
  int total = 0;
  for (const auto& endpoint : config.endpoints) total += endpoint.concurrency;
  return total;
}

bool writes_to_stdout(const RunConfig& config) {
  return is_stdout(config.output) || is_stdout(config.details) || is_stdout(config.metrics_json) || is_stdout(config.html_report) ||
         is_stdout(config.test_output);
}

}  // namespace synthgen
