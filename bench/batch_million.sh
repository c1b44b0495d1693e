#!/usr/bin/env bash
# Usage: bench/batch_million.sh   (env: ROWS=1000000, SYNTHGEN=build/synthgen, WORK=a temp dir, OUT_MD=bench/results/batch_million.md)
#
# `batch export` and `batch import` of a million requests: wall time and peak RSS of each, and of
# the run that then labels from the store (0 requests). The rows are synthesized and served by the
# project's fake through the dataset viewer's /rows pages (streamed, as from the Hub); the answers
# are written by a generator in vLLM's output shape (shuffled order is not needed: lines are matched
# by custom_id). The same export from a local .jsonl is measured too: a local file is read whole
# (io/local_file), so that figure includes the rows. Only 127.0.0.1 is ever sent a request.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
rows=${ROWS:-1000000}
synthgen=$(realpath "${SYNTHGEN:-build/synthgen}")
out_md=${OUT_MD:-bench/results/batch_million.md}
work=${WORK:-$(mktemp -d /tmp/synthgen-batch-bench.XXXXXX)}
fake_pid=
trap '[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null; wait 2>/dev/null; [ -z "${WORK:-}" ] && rm -rf "$work"' EXIT

python3 - "$work/rows.jsonl" "$rows" <<'PY'
import random, sys
path, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(5)
words = "the company said profit sales rose fell quarter net operating margin shares market growth euro million year".split()
labels = ["negative", "neutral", "positive"]
with open(path, "w") as f:
    for i in range(n):
        f.write('{"sentence": "%s %d.", "label": "%s"}\n' % (" ".join(rng.choice(words) for _ in range(12)), i, labels[i % 3]))
PY
cat > "$work/scenario.json" <<JSON
{"datasets": {"acme/million": {"configs": {"default": {"file": "$work/rows.jsonl"}}}}, "model": {"policy": "gold", "style": "auto"}}
JSON
python3 tests/fake_hf/fake_hf.py --scenario "$work/scenario.json" --port-file "$work/port" >"$work/fake.log" 2>&1 &
fake_pid=$!
for _ in $(seq 600); do [ -s "$work/port" ] && break; kill -0 "$fake_pid"; sleep 0.1; done
base="http://127.0.0.1:$(cat "$work/port")"
flags=(--dataset acme/million --subset default --votes 1 --cache "$work/store.sqlite3" --datasets-server "$base" --hub-endpoint "$base"
       --endpoint "$base/v1" --log-level warn)
export HF_TOKEN=hf_bench

measure() {  # label, then the command: prints "label|wall s|peak RSS MiB"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/last.out"
  read -r wall rss <"$work/time"
  printf '%s|%s|%.1f\n' "$label" "$wall" "$(echo "$rss / 1024" | bc -l)"
}

cd "$work"
r1=$(measure "batch export (viewer pages, $rows requests)" "$synthgen" batch export "${flags[@]}" --batch-out requests.jsonl)
parts=$(ls requests*.jsonl | wc -l)
python3 - requests*.jsonl <<'PY' >results.jsonl
import sys
labels = ["negative", "neutral", "positive"]
out = sys.stdout
n = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            cid = line[14:line.index('"', 14)]
            out.write('{"id":"vllm-%032x","custom_id":"%s","response":{"status_code":200,"request_id":"vllm-batch-%032x","body":{"id":'
                      '"chatcmpl-%d","object":"chat.completion","model":"mistralai/Mixtral-8x7B-Instruct-v0.1","choices":[{"index":0,'
                      '"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],"usage":{"prompt_tokens":300,'
                      '"completion_tokens":2,"total_tokens":302}}},"error":null}\n' % (n, cid, n, n, labels[n % 3]))
            n += 1
PY
r2=$(measure "batch import ($(wc -l <results.jsonl) lines, $(du -m results.jsonl | cut -f1) MB)" "$synthgen" batch import "${flags[@]}" results.jsonl)
grep -q "^imported $rows," last.out || { echo "import did not import every line:"; cat last.out; exit 1; }
r3=$(measure "the run, every answer from the store" "$synthgen" "${flags[@]}" --output labels.csv --metrics-json metrics.json --no-report)
grep -q '"requests": 0' metrics.json || { echo "the run sent requests"; exit 1; }
r4=$(measure "batch export again (nothing left)" "$synthgen" batch export "${flags[@]}" --batch-out again.jsonl)
r5=$(measure "batch export from a local .jsonl (rows read whole)" "$synthgen" batch export --input rows.jsonl --votes 1 \
       --labels negative,neutral,positive --cache local.sqlite3 --batch-out local.jsonl --batch-max-requests 0 --batch-max-bytes 0 \
       --endpoint "$base/v1" --log-level warn)
cd - >/dev/null
{
  echo "# batch export and import of $rows requests"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, synthgen $("$synthgen" --version | cut -d' ' -f2), bench/batch_million.sh. $parts request parts of 50,000."
  echo
  echo "| step | wall s | peak RSS MiB |"
  echo "|---|---:|---:|"
  for r in "$r1" "$r2" "$r3" "$r4" "$r5"; do echo "| ${r//|/ | } |"; done
} | tee "$out_md"
