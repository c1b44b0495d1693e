#!/usr/bin/env bash
# End to end on a real Slurm: `synthgen --shard auto` in a job array, then `synthgen merge`, writes what
# the unsharded job writes. Against the project's fake (tests/fake_hf/fake_hf.py) serving Financial
# PhraseBank sentences_allagree through the Hub zip fallback (as scripts/demo.sh sets it up): from
# ../shared/data when it is there (2264 rows), else tests/fixtures/phrasebank_small.jsonl.
#   1. the unsharded job as one Slurm job (its own store)
#   2. sbatch --array=0-3: each task `synthgen --shard auto --output part-$SLURM_ARRAY_TASK_ID.csv`, its own store
#   3. waits for the tasks' done markers (SLURM_SHARDS_TIMEOUT, 300 s), then `synthgen merge` of the 4 parts
#   4. df_train.csv and --details byte for byte; --metrics-json equal but for wall_s, request_wall_s and provenance.created
# Prints the wall times: the one-task job, the 4-task array (each from sbatch to its last done marker)
# and the merge.
# Usage: slurm_shards.sh [SYNTHGEN_BINARY] (default: build/synthgen of this checkout).
# SLURM_SHARDS_SHARED=DIR looks for the data in DIR instead of ../shared (a missing one: the fixture);
# SLURM_SHARDS_KEEP=1 keeps the work dir; SLURM_SHARDS_LATENCY_MS=N makes the fake's model answer
# in N ms (default 0), SLURM_SHARDS_CONCURRENCY=C sets each task's --concurrency (default 64): with a
# latency the figures show what the shards buy.
# Exits 77 (CTest: skipped) when SLURM_CONF is not set or sinfo fails: start a local Slurm with
#   slurm_env=$(bash scripts/slurm-local.sh start) && eval "$slurm_env"
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=$(realpath -m "${1:-$root/build/synthgen}")
timeout_s=${SLURM_SHARDS_TIMEOUT:-300}
token=hf_slurm_shards_token_for_the_local_fake

# shellcheck source=require_slurm.sh disable=SC2154
source "$(dirname "$0")/require_slurm.sh"
[ -x "$binary" ] || { echo "FAIL: no synthgen binary at $binary"; exit 1; }
echo "slurm: $SLURM_CONF; partitions: $sinfo_out; binary: $binary"

work=$(mktemp -d "${TMPDIR:-/tmp}/synthgen-slurm-shards.XXXXXX")
chmod 0755 "$work"
job_ids=()
fake=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  local id
  for id in "${job_ids[@]}"; do scancel "$id" 2>/dev/null || true; done
  if [ -n "$fake" ]; then kill "$fake" 2>/dev/null || true; wait "$fake" 2>/dev/null || true; fi
  if [ -n "${SLURM_SHARDS_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The fake, as scripts/demo.sh sets it up.
data="${SLURM_SHARDS_SHARED:-$root/../shared}/data/financial_phrasebank/sentences_allagree.jsonl"
[ -f "$data" ] || data="$root/tests/fixtures/phrasebank_small.jsonl"
data=$(realpath "$data")
rows=$(grep -c . "$data")
"$root/tests/fake_hf/phrasebank_scenario.sh" "$data" "$token" "${SLURM_SHARDS_LATENCY_MS:-0}" >"$work/scenario.json"
python3 "$root/tests/fake_hf/fake_hf.py" --scenario "$work/scenario.json" --port-file "$work/port" \
  >"$work/fake.log" 2>&1 &
fake=$!
for _ in $(seq 200); do [ -s "$work/port" ] && break; kill -0 "$fake"; sleep 0.05; done
[ -s "$work/port" ] || { echo "FAIL: the fake wrote no port file"; cat "$work/fake.log"; exit 1; }
base="http://127.0.0.1:$(cat "$work/port")"
echo "data: $data ($rows rows); fake at $base"

# One job script for both: $1 = the job's name (the outputs' stem); --shard auto when it is an array task.
# It runs from $work (--chdir) with the test's environment (sbatch --export=ALL).
cat >"$work/job.sh" <<'EOF'
#!/usr/bin/env bash
set -u
name=$1
shift
if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  name=$name-$SLURM_ARRAY_TASK_ID
  set -- "$@" --shard auto
fi
start=$(date +%s.%N)
"$SYNTHGEN" "$@" --cache "$name.db" --output "$name.csv" --details "$name.details.jsonl" \
  --metrics-json "$name.metrics.json" >"$name.stdout" 2>"$name.stderr"
rc=$?
echo "$rc $start $(date +%s.%N)" >"$name.done.tmp"
mv "$name.done.tmp" "$name.done"
EOF
chmod 0755 "$work/job.sh"

export SYNTHGEN="$binary" HF_TOKEN="$token" XDG_CACHE_HOME="$work/xdg-cache" XDG_CONFIG_HOME="$work/xdg-config"
unset SYNTHGEN_SHARD SYNTHGEN_SHARD_COUNT JOB_COMPLETION_INDEX AWS_BATCH_JOB_ARRAY_INDEX AWS_BATCH_JOB_ARRAY_SIZE
run_flags=(--subset sentences_allagree --endpoint "$base/v1" --datasets-server "$base" --hub-endpoint "$base" --quiet
           --concurrency "${SLURM_SHARDS_CONCURRENCY:-64}")

submit() {  # submit ARRAY_SPEC_OR_EMPTY NAME: the job id
  local array=$1 name=$2 id
  id=$(sbatch --parsable ${array:+--array="$array"} --job-name="synthgen-$name" --time=10 --ntasks=1 --cpus-per-task=1 \
    --chdir="$work" --output="$work/slurm-$name-%A_%a.out" "$work/job.sh" "$name" "${run_flags[@]}")
  id=${id%%;*}
  job_ids+=("$id")
  echo "$id"
}

wait_done() {  # wait_done START MARKER...: waits for every marker; prints the seconds from START to the last
  local start=$1 deadline=$((SECONDS + timeout_s)) missing marker
  shift
  while :; do
    missing=""
    for marker in "$@"; do [ -s "$work/$marker" ] || missing+=" $marker"; done
    [ -z "$missing" ] && break
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "FAIL: after ${timeout_s}s no done marker from:$missing" >&2
      squeue -l >&2 || true
      for id in "${job_ids[@]}"; do scontrol show job "$id" 2>&1 | head -n 30 >&2 || true; done
      cat "$work"/slurm-*.out "$work"/*.stderr >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.2
  done
  python3 -c 'import sys; print(f"{max(float(open(m).read().split()[2]) for m in sys.argv[2:]) - float(sys.argv[1]):.2f}")' \
    "$start" "${@/#/$work/}"
}

check_rc() {  # check_rc NAME: the job's synthgen exited 0
  local rc
  read -r rc _ <"$work/$1.done"
  if [ "$rc" != 0 ]; then
    echo "FAIL: $1 exited $rc"
    cat "$work/$1.stderr"
    exit 1
  fi
}

# 1. the unsharded job: one task
start=$(date +%s.%N)
id=$(submit "" whole)
echo "submitted the unsharded job as $id"
one_task=$(wait_done "$start" whole.done)
check_rc whole
echo "the unsharded job (one task): ${one_task}s from sbatch to its end"

# 2. the array: 4 tasks, --shard auto
start=$(date +%s.%N)
id=$(submit 0-3 part)
echo "submitted --array=0-3 as $id"
array=$(wait_done "$start" part-0.done part-1.done part-2.done part-3.done)
for k in 0 1 2 3; do
  check_rc "part-$k"
  header=$(head -n 1 "$work/part-$k.csv.shard.jsonl")
  python3 - "$header" "$k" <<'EOF'
import json, sys
header, k = json.loads(sys.argv[1]), int(sys.argv[2])
if (header["index"], header["count"]) != (k, 4):
    sys.exit(f"FAIL: part-{k}'s header says shard {header['index']} of {header['count']}, not {k} of 4")
EOF
done
echo "the array (4 tasks, $(nproc) CPUs): ${array}s from sbatch to its last task's end"

# 3. merge (parts out of order)
cd "$work"
merge_start=$(date +%s.%N)
if ! "$binary" merge --output df_train.csv --details details.jsonl --metrics-json metrics.json --quiet \
  part-2.csv part-0.csv part-3.csv part-1.csv >merge.stdout 2>merge.stderr; then
  echo "FAIL: synthgen merge failed"
  cat merge.stderr
  exit 1
fi
merge_s=$(python3 -c 'import sys, time; print(f"{time.time() - float(sys.argv[1]):.2f}")' "$merge_start")

# 4. the same outputs
fail=0
cmp whole.csv df_train.csv || { echo "FAIL: the merged df_train.csv differs from the unsharded job's"; fail=1; }
cmp whole.details.jsonl details.jsonl || { echo "FAIL: the merged details differ from the unsharded job's"; fail=1; }
python3 - whole.metrics.json metrics.json <<'EOF' || fail=1
import json, sys
timings = {"wall_s", "request_wall_s"}
want, got = (json.load(open(name)) for name in sys.argv[1:3])
for metrics in (want, got):  # when each run was made is a timing too
    metrics.get("provenance", {}).pop("created", None)
wrong = {k: (want.get(k), got.get(k)) for k in set(want) | set(got) if k not in timings and want.get(k) != got.get(k)}
if wrong:
    sys.exit(f"FAIL: the merged metrics differ from the unsharded job's (key: unsharded, merged): {wrong}")
print(f"metrics equal but for the timings: {want['rows']} rows, {want['requests']} requests, accuracy {want['accuracy']:.4f}")
EOF
labeled=$(($(grep -c . whole.csv) - 1))
synthgen_wall=$(python3 -c 'import json; print(json.load(open("whole.metrics.json"))["wall_s"])')
part_walls=$(python3 -c 'import json; print(" ".join("%.2f" % json.load(open("part-%d.metrics.json" % k))["wall_s"] for k in range(4)))' \
  2>/dev/null || echo "none: a shard wrote no --metrics-json")
echo "timings over $rows rows ($labeled labeled; $(nproc) CPUs):"
echo "  one-task job:  ${one_task}s (sbatch to end; synthgen's own wall_s ${synthgen_wall})"
echo "  4-task array:  ${array}s (sbatch to the last task's end; the tasks' own wall_s: ${part_walls})"
echo "  merge:         ${merge_s}s"
[ "$fail" -eq 0 ] && echo "PASS: the 4 shards of a Slurm array, merged, are the unsharded job's outputs"
exit "$fail"
