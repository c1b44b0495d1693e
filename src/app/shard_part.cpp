// The part file: JSON lines written and read with nlohmann-json.
#include "synthgen/app/shard_part.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "synthgen/app/run_error.hpp"
#include "synthgen/core/wire_format.hpp"
#include "synthgen/io/digest.hpp"

namespace synthgen {
namespace {

using Json = nlohmann::json;

constexpr int part_format = 1;

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n"; }

Json endpoints_json(const std::vector<EndpointCounts>& endpoints) {
  Json out = Json::array();
  for (const auto& e : endpoints)
    out.push_back({{"url", e.url}, {"requests", e.requests}, {"failed", e.failed}, {"refused", e.refused}, {"median_ms", e.median_ms}});
  return out;
}

Json counts_json(const RequestCounts& c) {
  return {{"requests", c.requests},
          {"retries", c.retries},
          {"cached", c.cached},
          {"skipped_votes", c.skipped_votes},
          {"failed_requests", c.failed_requests},
          {"failures", c.failures},
          {"retried", c.retried},
          {"invalid_answers", c.invalid_answers},
          {"no_votes_by_reason", c.no_votes_by_reason},
          {"paced_per_s", c.paced_per_s},
          {"prompt_tokens", c.prompt_tokens},
          {"completion_tokens", c.completion_tokens},
          {"endpoints", endpoints_json(c.endpoints)}};
}

RequestCounts counts_from(const Json& j) {
  RequestCounts c;
  c.requests = j.at("requests").get<std::size_t>();
  c.retries = j.at("retries").get<std::size_t>();
  c.cached = j.at("cached").get<std::size_t>();
  c.skipped_votes = j.at("skipped_votes").get<std::size_t>();
  c.failed_requests = j.at("failed_requests").get<std::size_t>();
  c.failures = j.at("failures").get<std::map<std::string, std::size_t>>();
  c.retried = j.at("retried").get<std::map<std::string, std::size_t>>();
  c.invalid_answers = j.at("invalid_answers").get<std::size_t>();
  c.no_votes_by_reason = j.at("no_votes_by_reason").get<std::map<std::string, std::size_t>>();
  c.paced_per_s = j.at("paced_per_s").get<double>();
  c.prompt_tokens = j.at("prompt_tokens").get<long>();
  c.completion_tokens = j.at("completion_tokens").get<long>();
  for (const auto& e : j.at("endpoints")) {
    c.endpoints.push_back({e.at("url").get<std::string>(), e.at("requests").get<std::size_t>(), e.at("failed").get<std::size_t>(),
                           e.at("refused").get<std::size_t>(), e.at("median_ms").get<long>()});
  }
  return c;
}

const char* status_name(VoteStatus s) {
  switch (s) {
    case VoteStatus::answered: return "answered";
    case VoteStatus::failed: return "failed";
    case VoteStatus::deferred: return "deferred";
    case VoteStatus::not_asked: break;
  }
  return "not_asked";
}

VoteStatus status_from(const std::string& name) {
  if (name == "answered") return VoteStatus::answered;
  if (name == "failed") return VoteStatus::failed;
  if (name == "deferred") return VoteStatus::deferred;
  if (name == "not_asked") return VoteStatus::not_asked;
  throw std::invalid_argument("unknown vote status " + name);
}

AtomicFile create_part(const std::string& path) {
  auto file = AtomicFile::create(path);
  if (!file) throw RunError(ExitCode::output, "cannot write " + path + ": " + file.error());
  return std::move(*file);
}

ShardHeader header_from(const Json& j) {
  if (j.at("synthgen_shard_part").get<int>() != part_format) throw std::invalid_argument("a part of another synthgen version");
  ShardHeader h;
  h.shard = {j.at("index").get<std::size_t>(), j.at("count").get<std::size_t>()};
  h.fingerprint = j.at("fingerprint").get<std::string>();
  h.first = j.at("first").get<std::size_t>();
  h.last = j.at("last").get<std::size_t>();
  h.sample_size = j.at("sample_size").get<std::size_t>();
  h.total = j.at("total").get<std::size_t>();
  h.n_sample = j.at("n_sample").get<std::size_t>();
  h.seed = j.at("seed").get<std::uint64_t>();
  h.labels = j.at("labels").get<std::vector<std::string>>();
  h.with_confidence = j.at("with_confidence").get<bool>();
  h.answer_format = j.at("answer_format").get<std::string>() == "label_word" ? AnswerFormat::label_word : AnswerFormat::json_object;
  h.source = j.at("source").get<std::string>();
  if (j.contains("test_size")) {
    auto size = parse_test_size(j.at("test_size").get<std::string>());
    if (!size) throw std::invalid_argument(size.error());
    h.test_size = *size;
  }
  if (j.contains("provenance")) h.provenance = provenance_from_json(j.at("provenance"));
  if (h.shard.count == 0 || h.shard.index >= h.shard.count || h.first > h.last || h.last > h.sample_size || h.labels.empty())
    throw std::invalid_argument("its header does not hold together");
  return h;
}

}  // namespace

std::string shard_part_path(const std::string& output) { return output + ".shard.jsonl"; }

std::string run_fingerprint(const RunConfig& c, const PromptTemplate& prompt, std::size_t total_rows) {
  const auto source = c.input_file.empty() ? fmt::format("hub:{}/{}/{}", c.dataset, c.subset, c.split)
                                           : "file:" + std::filesystem::path(c.input_file).filename().string();
  std::string labels;
  for (const auto& l : c.labels) labels += l + ",";
  const auto parts = fmt::format(
      "{}\n{} rows\ncolumns {} {}\nlabels {}\nsample {} seed {}\nprompt {}\nparser {} {}\napi {}\nmodel {}\ntemperature {} top_p {} "
      "max_tokens {}\nvotes {} early_stop {}\nwith_confidence {}\ntest_size {}",
      source, total_rows, c.columns.text, c.columns.label, labels, c.n_sample, c.seed, prompt.render(""), static_cast<int>(c.parser),
      static_cast<int>(c.answer_format), wire_format(c.api).store_tag, c.generation.model, c.generation.temperature, c.generation.top_p,
      c.generation.max_tokens, c.votes, c.early_stop, c.with_confidence, c.test_size.text());
  return sha256_hex(parts);
}

ShardPartWriter::ShardPartWriter(const std::string& path, const ShardHeader& h) : file_(create_part(path)) {
  Json header = {{"synthgen_shard_part", part_format},
                 {"index", h.shard.index},
                 {"count", h.shard.count},
                 {"fingerprint", h.fingerprint},
                 {"first", h.first},
                 {"last", h.last},
                 {"sample_size", h.sample_size},
                 {"total", h.total},
                 {"n_sample", h.n_sample},
                 {"seed", h.seed},
                 {"labels", h.labels},
                 {"with_confidence", h.with_confidence},
                 {"answer_format", h.answer_format == AnswerFormat::label_word ? "label_word" : "json_object"},
                 {"source", h.source}};
  if (h.test_size.on()) header["test_size"] = h.test_size.text();
  if (!h.provenance.empty()) header["provenance"] = provenance_json(h.provenance);
  file_.append(dump(header));
}

void ShardPartWriter::add(const RowVotes& r, bool in_test) {
  Json votes = Json::array();
  Json status = Json::array();
  for (std::size_t v = 0; v < r.votes.size(); ++v) {
    const auto& vote = r.votes[v];
    votes.push_back(vote.has_value() ? Json(vote.value()) : Json());
    status.push_back(status_name(r.status[v]));
  }
  Json line = {{"index", r.row.index}, {"text", r.row.text}, {"gold", r.row.gold ? Json(*r.row.gold) : Json()},
               {"votes", votes},       {"status", status},   {"answers", r.answers}};
  if (in_test) line["test"] = true;
  file_.append(dump(line));
}

void ShardPartWriter::finish(const ShardTrailer& t) {
  file_.append(dump({{"end", true}, {"counts", counts_json(t.counts)}, {"wall_s", t.wall_s}, {"request_wall_s", t.request_wall_s}}));
}

std::expected<ShardPartReader, std::string> ShardPartReader::open(const std::string& path) {
  ShardPartReader reader;
  reader.path_ = path;
  reader.in_ = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*reader.in_) return std::unexpected("cannot read " + path + ": is it the part of a `--shard` run (OUTPUT.shard.jsonl)?");
  std::string line;
  if (!std::getline(*reader.in_, line)) return std::unexpected(path + " is empty: not a finished shard's part");
  try {
    reader.header_ = header_from(Json::parse(line));
  } catch (const std::exception& e) {
    return std::unexpected(path + ":1: not the header of a shard's part (" + e.what() + ")");
  }
  return reader;
}

std::expected<const StoredRow*, std::string> ShardPartReader::next_row() {
  std::string line;
  if (!std::getline(*in_, line)) return std::unexpected(path_ + " ends without its last line: the shard did not finish; run it again");
  ++line_;
  try {
    const auto j = Json::parse(line);
    if (j.contains("end")) {
      trailer_ = {counts_from(j.at("counts")), j.at("wall_s").get<double>(), j.at("request_wall_s").get<double>()};
      return nullptr;
    }
    StoredRow& row = row_;
    row = {};
    row.row.index = j.at("index").get<std::size_t>();
    row.row.text = j.at("text").get<std::string>();
    if (!j.at("gold").is_null()) row.row.gold = j.at("gold").get<LabelId>();
    for (const auto& v : j.at("votes")) row.votes.push_back(v.is_null() ? std::nullopt : std::optional<LabelId>(v.get<LabelId>()));
    for (const auto& s : j.at("status")) row.status.push_back(status_from(s.get<std::string>()));
    row.answers = j.at("answers").get<std::vector<std::string>>();
    row.test = j.value("test", false);
    if (row.status.size() != row.votes.size() || (!row.answers.empty() && row.answers.size() != row.votes.size()))
      throw std::invalid_argument("votes, status and answers differ in length");
    return &row_;
  } catch (const std::exception& e) {
    return std::unexpected(fmt::format("{}:{}: not a row of a shard's part ({})", path_, line_, e.what()));
  }
}

}  // namespace synthgen
