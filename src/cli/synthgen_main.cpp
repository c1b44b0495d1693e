// Entry point of the tool: parse, merge, configure logging, run, and map failures to exit codes.
#include "synthgen/cli/synthgen_main.hpp"

#include <spdlog/details/null_mutex.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "synthgen/app/batch_commands.hpp"
#include "synthgen/app/merge.hpp"
#include "synthgen/app/pipeline.hpp"
#include "synthgen/app/plan.hpp"
#include "synthgen/cli/help_text.hpp"
#include "synthgen/cli/options.hpp"
#include "synthgen/core/endpoint_tokens.hpp"
#include "synthgen/core/secrets.hpp"
#include "synthgen/core/settings_report.hpp"
#include "synthgen/core/written_files.hpp"
#include "synthgen/io/config_file.hpp"
#include "synthgen/io/environment.hpp"
#include "synthgen/io/http_pool.hpp"
#include "synthgen/io/interrupt.hpp"
#include "synthgen/io/status_line.hpp"

namespace synthgen {
namespace {

// "warning: " style level prefix, empty for info lines: `synthgen: read 2264 rows ...`.
class LevelPrefix final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string_view prefix;
    switch (msg.level) {
      case spdlog::level::trace: prefix = "trace: "; break;
      case spdlog::level::debug: prefix = "debug: "; break;
      case spdlog::level::err: prefix = "error: "; break;
      default: break;
    }
    dest.append(prefix.data(), prefix.data() + prefix.size());
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<LevelPrefix>(); }
};

// Writes log lines to stderr with every token (and anything shaped like one) redacted: a server
// may echo the Authorization header in an error body that a log line quotes. Once stderr is a
// closed pipe (EPIPE) the lines are dropped unformatted: the run goes on without a reader. A
// progress line drawn on the terminal is erased first and drawn again below the log line.
class RedactingStderrSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  explicit RedactingStderrSink(std::vector<std::string> secrets) : secrets_(std::move(secrets)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (reader_gone_) return;
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    const auto line = redact(std::string_view(formatted.data(), formatted.size()), secrets_);
    status_.clear();
    errno = 0;
    if (std::fwrite(line.data(), 1, line.size(), stderr) != line.size() && errno == EPIPE) reader_gone_ = true;
    status_.redraw();
  }
  void flush_() override { std::fflush(stderr); }

 private:
  std::vector<std::string> secrets_;
  StatusLine& status_ = stderr_status_line();
  bool reader_gone_ = false;
};

void set_up_logging(const RunConfig& config, const std::vector<std::string>& secrets) {
  auto logger = std::make_shared<spdlog::logger>("synthgen", std::make_shared<RedactingStderrSink>(secrets));
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LevelPrefix>('*').set_pattern("synthgen: %*%v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(config.quiet ? spdlog::level::err : spdlog::level::from_str(config.log_level));
  spdlog::set_default_logger(std::move(logger));
}

constexpr std::string_view dotenv_path = ".env";

int fail(ExitCode code, std::string_view message, const std::vector<std::string>& secrets) {
  std::fprintf(stderr, "synthgen: error: %s\n", redact(message, secrets).c_str());
  return static_cast<int>(code);
}

// Each endpoint's token (its token_env's variable, OPENAI_API_KEY for OpenAI's, else the HF token);
// a token read from .env says so in its origin. Throws RunError (auth) for a token_env not set.
RunTokens endpoint_tokens(const RunConfig& config, const std::optional<Token>& hub_token, const EnvLookup& env,
                          const std::set<std::string, std::less<>>& from_dotenv) {
  auto tokens = resolve_run_tokens(config.endpoints, hub_token, env);
  if (!tokens) throw RunError(ExitCode::auth, tokens.error());
  for (auto& token : tokens->endpoints) {
    if (token && from_dotenv.contains(token->origin)) token->origin = std::string(dotenv_path) + ": " + token->origin;
  }
  return std::move(*tokens);
}

// The closing line, `synthgen: wrote df_train.csv, metrics.json`: every file the command put on
// disk, even when it then fails (a quality gate, failed votes: the outputs were written). An info
// line, so --quiet (errors only) leaves it out; a command that wrote nothing prints none.
void name_written_files(const WrittenFiles& written) {
  if (!written.empty()) spdlog::info("{}", written_files_line(written.paths()));
}

}  // namespace

int synthgen_main(int argc, char** argv) {
  ignore_broken_pipes();  // first: `synthgen ... | head` must not end the run when head exits
  // A lone --version is answered before CLI11 builds the option table, most of the start-up work
  // left after the dynamic loader's; with other arguments CLI11 prints the same line.
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    std::printf("%s\n", version_line);
    return 0;
  }
  std::vector<std::string> secrets;  // every token's value: no line may show one
  WrittenFiles written;
  try {
    CommandLine command_line;
    try {
      command_line.parse(argc, argv);
    } catch (const CLI::Success& e) {
      return command_line.app().exit(e);
    } catch (const CLI::ExtrasError& e) {
      const auto extra = command_line.app().remaining(true);
      if (extra.empty()) return fail(ExitCode::usage, std::string(e.what()) + "; see synthgen --help", secrets);
      const auto message = command_line.unknown_argument_message(extra.front());
      return fail(ExitCode::usage, message.ends_with('?') ? message : message + "; see synthgen --help", secrets);
    } catch (const CLI::ParseError& e) {
      return fail(ExitCode::usage, std::string(e.what()) + "; see synthgen --help", secrets);
    }
    if (command_line.wants_manpage()) {
      std::fputs(format_man_page().c_str(), stdout);
      return 0;
    }
    if (command_line.wants_completion()) {
      const auto shell = shell_named(command_line.completion_shell());
      if (!shell)
        return fail(ExitCode::usage,
                    command_line.completion_shell().empty()
                        ? "completion needs a shell: synthgen completion bash, zsh or fish"
                        : "no completion for the shell '" + command_line.completion_shell() + "': give bash, zsh or fish",
                    secrets);
      std::fputs(completion_script(*shell, command_line.completion_model()).c_str(), stdout);
      return 0;
    }
    if (command_line.wants_config_example()) {
      std::fputs(format_config_example().c_str(), stdout);
      return 0;
    }
    const auto from_dotenv = apply_dotenv_file(std::string(dotenv_path));
    if (!from_dotenv) return fail(ExitCode::input, from_dotenv.error(), secrets);
    const auto env = process_environment();
    auto token = find_token(env, disk_reader());
    if (token) secrets.push_back(token->value);
    if (token && from_dotenv->contains(token->origin)) token->origin = std::string(dotenv_path) + ": " + token->origin;
    const auto config_file = find_config_file(command_line.config_file() ? command_line.config_file() : env("SYNTHGEN_CONFIG_FILE"), env);
    FileValues file;
    if (config_file) {
      auto read = read_config_file(*config_file);
      if (!read) return fail(ExitCode::usage, read.error(), secrets);
      file = std::move(*read);
    }
    auto settings = merge_settings(option_table(), file, env, command_line.given_flags());
    note_dotenv_origins(settings, *from_dotenv, dotenv_path);
    if (command_line.wants_config_show()) std::fputs(format_settings(settings, token, config_file).c_str(), stdout);
    auto config = make_run_config(settings);
    if (!config) return fail(ExitCode::usage, config.error() + "; see synthgen --help", secrets);
    if (command_line.wants_config_show()) return 0;
    if (config->shard_text == "auto") {
      auto shard = resolve_shard(config->shard_text, env);
      if (!shard) return fail(ExitCode::usage, shard.error(), secrets);
      config->shard = *shard;
    }
    // Each endpoint's token; the HF token stays the Hub's (the dataset viewer, --push-to-hub).
    const auto tokens = command_line.wants_merge() ? RunTokens{token, {}} : endpoint_tokens(*config, token, env, *from_dotenv);
    secrets = tokens.secrets();
    set_up_logging(*config, secrets);
    for (const auto& note : config->notes) spdlog::info("{}", note);
    // The process's one libcurl (and OpenSSL) set-up, made here rather than in main: a tenth of the
    // start-up work, and --help, config and the usage errors do not need it.
    const CurlGlobal curl;
    if (command_line.wants_plan()) return static_cast<int>(run_plan(*config, tokens.hub));
    ExitCode code = ExitCode::ok;
    if (command_line.wants_merge()) {
      code = run_merge(*config, command_line.merge_parts(), written);
    } else if (const auto batch = command_line.batch_command(); !batch.empty()) {
      code = run_batch_command(batch, *config, tokens, command_line.import_files(), written);
    } else {
      // SIGPIPE is ignored since the start (ignore_broken_pipes): a reader of a written-through output
      // that goes away (`--output - | head`) makes the write fail with EPIPE, an output error.
      code = run_labeling(*config, tokens, written);
    }
    name_written_files(written);
    return static_cast<int>(code);
  } catch (const RunError& e) {
    name_written_files(written);
    return fail(e.code(), e.what(), secrets);
  } catch (const std::exception& e) {
    name_written_files(written);
    return fail(ExitCode::internal, std::string("unexpected failure: ") + e.what() + "; please report it", secrets);
  }
}

}  // namespace synthgen
