// The shard spec: K/N parsed, or read from the scheduler's variables in a fixed order.
#include "synthgen/core/shard.hpp"

#include <charconv>
#include <cstdint>

namespace synthgen {
namespace {

std::optional<std::size_t> whole_number(std::string_view text) {
  std::size_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::expected<ShardSpec, std::string> checked(std::size_t index, std::size_t count, const std::string& from) {
  if (count == 0) return std::unexpected(from + " gives 0 shards; there must be at least one");
  if (index >= count)
    return std::unexpected(from + " gives shard " + std::to_string(index) + " of " + std::to_string(count) + ": K must be below N");
  return ShardSpec{index, count};
}

std::expected<ShardSpec, std::string> parse_pair(std::string_view text, const std::string& from) {
  const auto slash = text.find('/');
  const auto index = whole_number(text.substr(0, slash));
  const auto count = whole_number(slash == std::string_view::npos ? std::string_view() : text.substr(slash + 1));
  if (!index.has_value() || !count.has_value())
    return std::unexpected(from + " is '" + std::string(text) + "', not K/N (e.g. 0/4: the first of four shards)");
  return checked(index.value(), count.value(), from);
}

// A variable's whole number, `missing` when it is not set; an error when it is set to anything else.
std::expected<std::size_t, std::string> number_or(const EnvLookup& env, const char* name, std::size_t missing) {
  const auto value = env(name);
  if (!value || value->empty()) return missing;
  const auto number = whole_number(*value);
  if (!number) return std::unexpected(std::string(name) + " is '" + *value + "', not a whole number");
  return *number;
}

// A variable that must be set, to a whole number.
std::expected<std::size_t, std::string> required(const EnvLookup& env, const char* name, const std::string& when_missing) {
  constexpr auto unset = SIZE_MAX;
  auto number = number_or(env, name, unset);
  if (number && *number == unset) return std::unexpected(when_missing);
  return number;
}

// Slurm: the task's place in the array is (ID - MIN) / STEP of COUNT; ids may start at 1.
std::expected<ShardSpec, std::string> from_slurm(const EnvLookup& env) {
  const auto id = required(env, "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_ID is empty");
  if (!id) return std::unexpected(id.error());
  const auto count = required(env, "SLURM_ARRAY_TASK_COUNT",
                              "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: run under a Slurm array (sbatch --array)");
  if (!count) return std::unexpected(count.error());
  const auto min = number_or(env, "SLURM_ARRAY_TASK_MIN", 0);
  if (!min) return std::unexpected(min.error());
  const auto step = number_or(env, "SLURM_ARRAY_TASK_STEP", 1);
  if (!step) return std::unexpected(step.error());
  const auto range_max = *min + (*count == 0 ? 0 : (*count - 1) * *step);
  const auto max = number_or(env, "SLURM_ARRAY_TASK_MAX", range_max);
  if (!max) return std::unexpected(max.error());
  // A list such as --array=0,2,5 has STEP 1 and COUNT 3 (Slurm 22.05): a task's place in it cannot be
  // told from the variables, so only a range (with a step) is taken.
  if (*step == 0 || *max != range_max || *id < *min || (*id - *min) % *step != 0)
    return std::unexpected("SLURM_ARRAY_TASK_ID " + std::to_string(*id) + " of an array that is not one range (MIN " +
                           std::to_string(*min) + ", STEP " + std::to_string(*step) + ", COUNT " + std::to_string(*count) +
                           "): give --array as a range (0-3, 1-8:2), or --shard K/N");
  return checked((*id - *min) / *step, *count, "the Slurm array (SLURM_ARRAY_TASK_ID, _MIN, _STEP, _COUNT)");
}

}  // namespace

std::expected<ShardSpec, std::string> resolve_shard(std::string_view text, const EnvLookup& env) {
  if (text.empty()) return ShardSpec{};
  if (text != "auto") return parse_pair(text, "--shard");
  if (env("SLURM_ARRAY_TASK_ID")) return from_slurm(env);
  if (env("JOB_COMPLETION_INDEX")) {
    const auto k = required(env, "JOB_COMPLETION_INDEX", "JOB_COMPLETION_INDEX is empty");
    if (!k) return std::unexpected(k.error());
    const auto count =
        required(env, "SYNTHGEN_SHARD_COUNT",
                 "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but SYNTHGEN_SHARD_COUNT is not: set it to the Job's "
                 "completions");
    if (!count) return std::unexpected(count.error());
    return checked(*k, *count, "JOB_COMPLETION_INDEX and SYNTHGEN_SHARD_COUNT");
  }
  if (env("AWS_BATCH_JOB_ARRAY_INDEX")) {
    const auto index = required(env, "AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX is empty");
    if (!index) return std::unexpected(index.error());
    const auto size = required(env, "AWS_BATCH_JOB_ARRAY_SIZE", "AWS_BATCH_JOB_ARRAY_INDEX is set but AWS_BATCH_JOB_ARRAY_SIZE is not");
    if (!size) return std::unexpected(size.error());
    return checked(*index, *size, "AWS_BATCH_JOB_ARRAY_INDEX and AWS_BATCH_JOB_ARRAY_SIZE");
  }
  if (const auto shard = env("SYNTHGEN_SHARD"); shard && !shard->empty() && *shard != "auto") return parse_pair(*shard, "SYNTHGEN_SHARD");
  return std::unexpected(
      "--shard auto found no scheduler: it reads SLURM_ARRAY_TASK_ID (with _MIN, _STEP, _COUNT), JOB_COMPLETION_INDEX with "
      "SYNTHGEN_SHARD_COUNT, AWS_BATCH_JOB_ARRAY_INDEX with AWS_BATCH_JOB_ARRAY_SIZE, or SYNTHGEN_SHARD=K/N");
}

ShardRange shard_range(std::size_t sample_size, const ShardSpec& shard) {
  // floor(k * size / N) without overflow: size = q * N + r, so it is k * q + floor(k * r / N).
  const auto q = sample_size / shard.count;
  const auto r = sample_size % shard.count;
  const auto at = [&](std::size_t k) { return k * q + k * r / shard.count; };
  return {at(shard.index), at(shard.index + 1)};
}

}  // namespace synthgen
