// The provenance record from the run's config, and its JSON.
#include "synthgen/core/provenance.hpp"

#include "synthgen/core/secrets.hpp"
#include "synthgen/core/wire_format.hpp"

namespace synthgen {
namespace {

nlohmann::ordered_json or_null(const std::string& text) { return text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(text); }

std::string string_at(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() || !it->is_string() ? std::string() : it->get<std::string>();
}

std::string endpoints_of(const RunConfig& config) {
  if (config.endpoints.empty()) return redact_url(config.endpoint);
  std::string urls;
  for (const auto& e : config.endpoints) urls += (urls.empty() ? "" : ", ") + redact_url(e.url);
  return urls;
}

}  // namespace

Provenance make_provenance(const RunConfig& c, const ProvenanceFacts& facts) {
  Provenance p;
  p.synthgen_version = facts.synthgen_version;
  p.created = facts.created;
  const bool local = !c.input_file.empty();
  p.dataset = local ? c.input_file : c.dataset;
  p.config = local ? std::string() : c.subset;
  p.split = local ? std::string() : c.split;
  p.source = facts.source;
  p.data_sha256 = facts.data_sha256;
  p.model = c.generation.model;
  p.endpoint = endpoints_of(c);
  p.api = std::string(wire_format(c.api).name);
  p.prompt = c.prompt_file.empty() ? c.prompt_name : c.prompt_file;
  p.prompt_sha256 = facts.prompt_sha256;
  p.temperature = c.generation.temperature;
  p.top_p = c.generation.top_p;
  p.max_tokens = c.generation.max_tokens;
  p.votes = c.votes;
  p.early_stop = c.early_stop;
  p.seed = c.seed;
  p.n_sample = c.n_sample;
  p.test_size = c.test_size.text();
  p.parser = c.parser == ParserKind::legacy ? "legacy" : "strict";
  return p;
}

nlohmann::ordered_json provenance_json(const Provenance& p) {
  nlohmann::ordered_json j;
  j["synthgen_version"] = p.synthgen_version;
  j["created"] = p.created;
  j["dataset"] = p.dataset;
  j["config"] = or_null(p.config);
  j["split"] = or_null(p.split);
  j["source"] = p.source;
  if (!p.data_sha256.empty()) j["data_sha256"] = p.data_sha256;
  j["model"] = p.model;
  j["endpoint"] = p.endpoint;
  j["api"] = p.api;
  j["prompt"] = p.prompt;
  j["prompt_sha256"] = p.prompt_sha256;
  j["temperature"] = p.temperature;
  j["top_p"] = p.top_p;
  j["max_tokens"] = p.max_tokens;
  j["votes"] = p.votes;
  j["early_stop"] = p.early_stop;
  j["seed"] = p.seed;
  j["n_sample"] = p.n_sample;
  j["test_size"] = p.test_size;
  j["parser"] = p.parser;
  return j;
}

Provenance provenance_from_json(const nlohmann::json& j) {
  Provenance p;
  p.synthgen_version = string_at(j, "synthgen_version");
  p.created = string_at(j, "created");
  p.dataset = string_at(j, "dataset");
  p.config = string_at(j, "config");
  p.split = string_at(j, "split");
  p.source = string_at(j, "source");
  p.data_sha256 = string_at(j, "data_sha256");
  p.model = string_at(j, "model");
  p.endpoint = string_at(j, "endpoint");
  p.api = string_at(j, "api");
  p.prompt = string_at(j, "prompt");
  p.prompt_sha256 = string_at(j, "prompt_sha256");
  p.temperature = j.value("temperature", 0.0);
  p.top_p = j.value("top_p", 0.0);
  p.max_tokens = j.value("max_tokens", 0);
  p.votes = j.value("votes", 0);
  p.early_stop = j.value("early_stop", false);
  p.seed = j.value("seed", std::uint64_t{0});
  p.n_sample = j.value("n_sample", std::size_t{0});
  p.test_size = string_at(j, "test_size");
  p.parser = string_at(j, "parser");
  return p;
}

}  // namespace synthgen
