// The examples, exit statuses and environment that --help and the man page both show, and the man page.
#include "synthgen/cli/help_text.hpp"

#include <fmt/format.h>

#include <array>

#include "synthgen/core/settings.hpp"

namespace synthgen {
namespace {

constexpr std::array<HelpItem, 7> examples{{
    {"synthgen --n-sample 100 --report report.html", "label 100 sampled PhraseBank rows and write the review page"},
    {"synthgen --input rows.csv --text-column text --labels yes,no", "label a local CSV whose labels are not a ClassLabel"},
    {"synthgen plan --n-sample 5000 --price-per-mtok 0.6", "count the requests and tokens and estimate the cost; sends nothing"},
    {"synthgen --min-accuracy 0.9 --metrics-json m.json", "a quality gate for CI: exit 7 when accuracy is below 0.9"},
    {"synthgen --shard auto && synthgen merge part-*.csv", "one shard per array task, then join the parts"},
    {"synthgen config show", "print every option's value and where it came from"},
    {"source <(synthgen completion bash)", "complete subcommands, options and their values in bash (also: zsh, fish)"},
}};

constexpr std::array<HelpItem, 11> exits{{
    {"0", "done: every vote was answered"},
    {"1", "internal error: a bug, please report it"},
    {"2", "usage: an unknown option, a bad value, a bad config file"},
    {"3", "input data: unknown dataset, subset or split, a missing column, a malformed file, no rows"},
    {"4", "auth or credits: no token, a refused token, out of credits"},
    {"5", "service: unreachable or failing, every request failed, unknown model"},
    {"6", "output file: cannot be written (every old output is left as it was)"},
    {"7", "quality gate not met (--min-accuracy, --min-macro-f1; every output was written)"},
    {"8", "budget: --max-requests or --max-cost reached; the answers so far are stored"},
    {"9", "incomplete: some votes failed after their retries; every output was written, run again to ask only for those"},
    {"130", "interrupted (Ctrl-C, SIGTERM): the answers so far are stored; run the same command to resume"},
}};

constexpr std::array<HelpItem, 8> environment{{
    {"HF_TOKEN", "the Hugging Face token (else HUGGING_FACE_HUB_TOKEN, else the token file under HF_HOME)"},
    {"HF_HOME", "the huggingface_hub folder whose token file is read [default: ~/.cache/huggingface]"},
    {"HF_ENDPOINT", "the Hub base URL, below --hub-endpoint and SYNTHGEN_HUB_ENDPOINT"},
    {"HF_HUB_OFFLINE", "1: no network call, as --offline"},
    {"OPENAI_API_KEY", "the key sent to OpenAI's endpoint (or to OPENAI_BASE_URL's) instead of the HF token"},
    {"SYNTHGEN_<OPTION>",
     "any option, dashes as underscores (SYNTHGEN_N_SAMPLE=100); below flags, above the config file; "
     "also read from ./.env"},
    {"SYNTHGEN_CONFIG_FILE", "the config file, as --config-file"},
    {"XDG_CACHE_HOME, XDG_CONFIG_HOME", "where the response store and the config file are looked for"},
}};

// roff: a leading dot or quote would be a request, a backslash an escape, a dash a hyphen.
std::string roff(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out.insert(0, "\\&");
  return out;
}

std::string man_option(const OptionSpec& spec) {
  std::string head = "\\fB\\-\\-" + roff(spec.name) + "\\fR";
  if (spec.kind != ValueKind::flag) head += " \\fI" + std::string(metavar(spec.kind)) + "\\fR";
  if (spec.default_value == "true") head += ", \\fB\\-\\-no\\-" + roff(spec.name) + "\\fR";
  std::string out = ".TP\n" + head + "\n" + roff(spec.help);
  if (!spec.default_value.empty() && spec.kind != ValueKind::flag) out += " [default: " + roff(spec.default_value) + "]";
  if (!spec.fallback_env.empty()) out += " [env: " + roff(spec.fallback_env) + "]";
  return out + " [env: " + roff(env_name(spec.name)) + "]\n";
}

std::string man_items(std::span<const HelpItem> items, bool bold) {
  std::string out;
  for (const auto& item : items)
    out += ".TP\n" + std::string(bold ? "\\fB" : "") + roff(item.name) + (bold ? "\\fR" : "") + "\n" + roff(item.text) + "\n";
  return out;
}

}  // namespace

std::span<const HelpItem> help_examples() { return examples; }
std::span<const HelpItem> exit_statuses() { return exits; }
std::span<const HelpItem> environment_variables() { return environment; }

std::string wrap_text(std::string_view text, std::size_t width, std::size_t indent) {
  std::string out;
  std::size_t column = 0;
  while (!text.empty()) {
    const auto space = text.find(' ');
    const auto word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    if (word.empty()) continue;
    if (column > 0 && column + 1 + word.size() > width) {
      out += "\n" + std::string(indent, ' ');
      column = 0;
    } else if (column > 0) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
  }
  return out;
}

std::string format_man_page() {
  std::string out =
      ".\\\" Generated by `synthgen manpage` from the option table (src/core/settings.cpp); do not edit.\n"
      ".TH SYNTHGEN 1 \"\" \"synthgen\" \"User Commands\"\n.SH NAME\nsynthgen \\- label text with a large language model\n"
      ".SH SYNOPSIS\n\\fBsynthgen\\fR [\\fIOPTIONS\\fR]\n.br\n\\fBsynthgen plan\\fR [\\fIOPTIONS\\fR]\n.br\n"
      "\\fBsynthgen merge\\fR [\\fIOPTIONS\\fR] \\fIPART\\fR...\n.br\n"
      "\\fBsynthgen batch export\\fR|\\fBsubmit\\fR|\\fBstatus\\fR|\\fBcollect\\fR [\\fIOPTIONS\\fR]\n.br\n"
      "\\fBsynthgen batch import\\fR [\\fIOPTIONS\\fR] \\fIFILE\\fR...\n.br\n\\fBsynthgen config show\\fR|\\fBexample\\fR\n"
      ".br\n\\fBsynthgen completion bash\\fR|\\fBzsh\\fR|\\fBfish\\fR\n"
      ".SH DESCRIPTION\nsynthgen labels each row of a dataset with a few\\-shot prompt, asks for several votes per row, writes the "
      "majority label to a training CSV, and scores it against the human labels (accuracy, macro\\-F1, Cohen's kappa).\n"
      ".PP\nEach option can be set, from lowest to highest precedence, by its default, the config file, the environment "
      "(SYNTHGEN_\\fIOPTION\\fR) and the command line. A path of \\- is standard input for \\fB\\-\\-input\\fR and standard "
      "output for one output.\n.SH OPTIONS\n";
  out +=
      ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nprint the help and exit\n.TP\n\\fB\\-\\-version\\fR\nprint the version and exit\n"
      ".TP\n\\fB\\-\\-config\\-file\\fR \\fIFILE\\fR\nTOML file of option = value lines [default: ./synthgen.toml, else "
      "$XDG_CONFIG_HOME/synthgen/config.toml] [env: SYNTHGEN_CONFIG_FILE]\n"
      ".TP\n\\fB\\-v\\fR, \\fB\\-\\-verbose\\fR\nthe same as \\fB\\-\\-log\\-level debug\\fR\n";
  for (std::size_t s = 0; s < option_sections; ++s) {
    const auto section = static_cast<OptionSection>(s);
    out += ".SS " + std::string(section_title(section)) + "\n";
    for (const auto& spec : option_table()) {
      if (spec.section == section) out += man_option(spec);
    }
  }
  out += ".SH ENVIRONMENT\n" + man_items(environment, true) + ".SH EXIT STATUS\n" + man_items(exits, true) + ".SH EXAMPLES\n";
  for (const auto& example : examples) out += ".PP\n" + roff(example.text) + ":\n.PP\n.RS\n\\fB" + roff(example.name) + "\\fR\n.RE\n";
  return out + ".SH SEE ALSO\nREADME.md in the source tree; \\fBsynthgen config example\\fR prints a config file.\n";
}

}  // namespace synthgen
