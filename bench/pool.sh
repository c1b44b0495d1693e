#!/usr/bin/env bash
# Usage: bench/pool.sh   (env: SYNTHGEN=build/synthgen, C=8 (requests in flight per endpoint), LIMIT=200 (per second),
#                         OUT_MD=bench/results/pool.md)
#
# A pool of three endpoints against the best one alone: three of the project's fakes answering in
# 20, 50 and 200 ms, each taking C requests at once (capacities C/latency: 400, 160 and 40 answers/s
# at C=8), labeling the 2264 rows of sentences_allagree with 3 votes and early stop. Runs: the 20 ms
# endpoint alone, the pool, and the pool with the 50 ms endpoint killed one second in. Each run has
# its own empty store. Then a provider's rate limit: a fourth fake at 20 ms that allows LIMIT requests a
# second (burst LIMIT/10) and refuses the rest with 429, alone and in the pool in place of the free
# 20 ms one. Prints wall times, requests and 429s per endpoint and rows lost (rows of the CSV and
# failed votes). Only 127.0.0.1 is ever sent a request; every fake is stopped on exit.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
synthgen=$(realpath "${SYNTHGEN:-build/synthgen}")
c=${C:-8}
limit=${LIMIT:-200}
out_md=${OUT_MD:-bench/results/pool.md}
work=$(mktemp -d /tmp/synthgen-pool-bench.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT
data="$(pwd)/../shared/data/financial_phrasebank/sentences_allagree.jsonl"
[ -f "$data" ] || data="$(pwd)/tests/fixtures/phrasebank_small.jsonl"

start_fake() {  # name latency_ms [per_s]: starts a fake (a provider's limit of per_s a second), sets $port_<name> and $pid_<name>
  local name=$1 latency=$2 per_s=${3:-}
  tests/fake_hf/phrasebank_scenario.sh "$data" hf_bench "$latency" >"$work/$name.json"
  if [ -n "$per_s" ]; then
    python3 - "$work/$name.json" "$per_s" <<'PY'
import json, sys
path, per_s = sys.argv[1], int(sys.argv[2])
scenario = json.load(open(path))
scenario["model"]["rate_limit"] = {"per_s": per_s, "burst": max(1, per_s // 10)}
json.dump(scenario, open(path, "w"))
PY
  fi
  python3 tests/fake_hf/fake_hf.py --scenario "$work/$name.json" --port-file "$work/$name.port" >"$work/$name.log" 2>&1 &
  pids+=($!)
  eval "pid_$name=$!"
  for _ in $(seq 300); do [ -s "$work/$name.port" ] && break; sleep 0.05; done
  eval "port_$name=$(cat "$work/$name.port")"
}

start_fake fast 20
start_fake mid 50
start_fake slow 200
start_fake limited 20 "$limit"
export HF_TOKEN=hf_bench
common=(--subset sentences_allagree --datasets-server "http://127.0.0.1:$port_fast" --hub-endpoint "http://127.0.0.1:$port_fast"
        --concurrency "$c" --log-level warn --no-report --max-retry-wait 1)
pool=(--endpoint "http://127.0.0.1:$port_fast/v1" --endpoint "http://127.0.0.1:$port_mid/v1" --endpoint "http://127.0.0.1:$port_slow/v1")

run() {  # label, then flags: prints a table row
  local label=$1; shift
  rm -f "$work/store"*
  local start end status=0
  start=$(date +%s.%N)
  "$synthgen" "${common[@]}" "$@" --cache "$work/store.sqlite3" --output "$work/out.csv" --metrics-json "$work/m.json" || status=$?
  end=$(date +%s.%N)
  python3 - "$label" "$(echo "$end - $start" | bc -l)" "$work/out.csv" "$work/m.json" "$status" <<'PY'
import json, sys
label, wall, csv, metrics, status = sys.argv[1:]
m = json.load(open(metrics))
rows = sum(1 for _ in open(csv)) - 1
def part(e):
    return f"{e['requests']} ({e['refused']} 429s)" if e.get("refused") else str(e["requests"])
split = " / ".join(part(e) for e in m.get("endpoints", [])) or str(m["requests"])
if not m.get("endpoints") and m.get("paced_per_s"):
    split += f" (paced at {m['paced_per_s']:.0f}/s)"
print(f"| {label} | {float(wall):.2f} | {m['request_wall_s']:.2f} | {m['requests']} | {split} | {2264 - rows if rows <= 2264 else rows} | {m['failed_requests']} | {status} |")
PY
}

{
  echo "# A pool of endpoints"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, bench/pool.sh: fakes at 20, 50 and 200 ms, $c in flight each (capacities $((c*1000/20)), $((c*1000/50)) and $((c*1000/200)) answers/s, $((c*1000/20 + c*1000/50 + c*1000/200)) together), 2264 rows x 3 votes with early stop."
  echo
  echo "| run | wall s | request s | requests | per endpoint (20 / 50 / 200 ms) | rows lost | failed votes | exit |"
  echo "|---|---:|---:|---:|---|---:|---:|---:|"
  run "20 ms endpoint alone" --endpoint "http://127.0.0.1:$port_fast/v1"
  run "pool of three" "${pool[@]}"
  run "20 ms endpoint limited to $limit/s, alone" --endpoint "http://127.0.0.1:$port_limited/v1"
  run "pool, the 20 ms one limited to $limit/s" --endpoint "http://127.0.0.1:$port_limited/v1" "${pool[@]:2}"
  ( sleep 1; kill "$pid_mid" ) &
  run "pool, the 50 ms one killed at 1 s" "${pool[@]}"
} | tee "$out_md"
