#!/usr/bin/env bash
# Usage: bench/callgrind.sh      (~1 min on 2 cores; see bench/README.md, "6. Instructions per request")
#
# synthgen's instructions (Ir) per request under callgrind, to compare a change against the kept
# baseline (bench/results/callgrind-baseline.txt): runs the whole pipeline (one request per row,
# --votes 1 --prompt simple, concurrency 64, a fresh response store) for N_BIG and N_SMALL rows
# against the shared loopback nginx fake at latency 0, and prints
#   marginal Ir / request = (Ir(N_BIG) - Ir(N_SMALL)) / (N_BIG - N_SMALL)
# beside the baseline's figure and the ratio. The same command line as bench/run.sh, section 6
# (run.sh calls this script). Instruction counts hardly depend on the machine's load.
#
# Env: SYNTHGEN=build/synthgen, N_BIG=2000, N_SMALL=200, CONC=64, PORT=18200 (first port tried; the
#      next 19 too), SHARED_BENCH=../shared/bench, RUN_TIMEOUT=900 (s per run), BASELINE=FILE
#      (default bench/results/callgrind-baseline.txt);
#      WITH_CURL=1: also curl CLI (the command line of shared/bench/peers/curl_parallel.sh);
#      WRITE_BASELINE=1: also curl, then (re)write BASELINE from this run (only at 2000/200);
#      URL=http://127.0.0.1:P/v1: use that running fake instead of starting one (its PAGES_DIR must
#      hold the pages synthetic_N_BIG and synthetic_N_SMALL; run.sh does this);
#      OUT_DIR=DIR: keep the callgrind.out files there (cg_NAME_N.out) and write DIR/ir.tsv
#      (name, n, Ir; Ir 0 = the run failed).
# Exits 1 when a run fails. Only 127.0.0.1 is sent anything.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
shared=$(cd "${SHARED_BENCH:-$repo/../shared/bench}" && pwd)
n_big=${N_BIG:-2000} n_small=${N_SMALL:-200} conc=${CONC:-64}
run_timeout=${RUN_TIMEOUT:-900}
baseline=${BASELINE:-$here/results/callgrind-baseline.txt}
write_baseline=${WRITE_BASELINE:-0}
with_curl=${WITH_CURL:-0}
[ "$write_baseline" != 1 ] || with_curl=1
bin=${SYNTHGEN:-$repo/build/synthgen}

case "$n_big$n_small$conc" in *[!0-9]*) echo "callgrind.sh: N_BIG, N_SMALL and CONC must be whole numbers" >&2; exit 2 ;; esac
if ! { [ "$n_big" -gt "$n_small" ] && [ "$n_small" -ge 1 ] && [ "$n_big" -le 100000 ] && [ "$conc" -ge 1 ]; }; then
  echo "callgrind.sh: need 1 <= N_SMALL < N_BIG <= 100000 and CONC >= 1" >&2; exit 2
fi
if [ "$write_baseline" = 1 ] && { [ "$n_big" != 2000 ] || [ "$n_small" != 200 ] || [ "$conc" != 64 ]; }; then
  echo "callgrind.sh: the baseline is at N_BIG=2000 N_SMALL=200 CONC=64 only" >&2; exit 2
fi
for tool in valgrind jq curl; do
  command -v "$tool" >/dev/null || { echo "callgrind.sh: missing $tool" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "callgrind.sh: no synthgen binary at $bin (set SYNTHGEN or run scripts/build.sh)" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

log() { printf '[callgrind %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

tmp=$(mktemp -d /tmp/synthgen-callgrind.XXXXXX)
chmod 755 "$tmp"   # nginx workers (user nobody when run as root) must read the pages in it
server=""
cleanup() {
  if [ -n "$server" ]; then "$shared/server/stop.sh" "$server" >/dev/null 2>&1 || kill -TERM "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

out_dir=${OUT_DIR:-$tmp/out}
mkdir -p "$out_dir"

# ---- server: the caller's, or our own nginx fake at latency 0 -----------------------------------
url=${URL:-}
if [ -z "$url" ]; then
  for tool in nginx python3; do command -v "$tool" >/dev/null || { echo "callgrind.sh: missing $tool" >&2; exit 1; }; done
  export PAGES_DIR=$tmp/pages
  for n in "$n_small" "$n_big"; do
    python3 "$shared/server/make_pages.py" --synthetic "$n" --out "$PAGES_DIR" >/dev/null
  done
  port=""
  for p in $(seq "${PORT:-18200}" "$(( ${PORT:-18200} + 19 ))"); do
    if ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/" && ! ss -ltnH "sport = :$p" 2>/dev/null | grep -q .; then port=$p; break; fi
  done
  [ -n "$port" ] || { echo "callgrind.sh: no free port in ${PORT:-18200}..+19" >&2; exit 1; }
  server=$("$shared/server/start.sh" "$port" 0)
  url=http://127.0.0.1:$port/v1
  log "nginx $server on 127.0.0.1:$port, latency 0"
fi
url=${url%/}
origin=${url%/v1}

store=()   # a fresh, empty response store per run (the default pipeline, no cache hits)
"$bin" --help | grep -q -- --no-cache && store=(--cache "$tmp/run/store.sqlite3")

# run_cg NAME N -> prints the total Ir (0 on failure); keeps $out_dir/cg_NAME_N.out
run_cg() {
  local name=$1 n=$2 f=$out_dir/cg_$1_$2.out rc=0
  rm -f "$f"
  if [ "$name" = synthgen ]; then
    rm -rf "$tmp/run"; mkdir -p "$tmp/run"
    # in a temp cwd (no ./.env, no ./synthgen.toml), no SYNTHGEN_<OPTION>, no user store or config
    (cd "$tmp/run" && for v in $(compgen -e); do case "$v" in SYNTHGEN_*) unset "$v" ;; esac; done &&
      XDG_CACHE_HOME=$tmp/run/xdg XDG_CONFIG_HOME=$tmp/run/xdg timeout -k 10 "$run_timeout" \
        valgrind --tool=callgrind --callgrind-out-file="$f" -q "$bin" \
        --subset "synthetic_$n" --dataset bench/synthetic --prompt simple --votes 1 --concurrency "$conc" \
        --endpoint "$url" --datasets-server "$origin" --hub-endpoint "$origin" \
        --output "$tmp/run/out.csv" --metrics-json "$tmp/run/m.json" --quiet --no-report ${store[@]+"${store[@]}"}) >&2 || rc=$?
    [ "$rc" -eq 0 ] && [ "$(jq '.failed_requests' "$tmp/run/m.json" 2>/dev/null)" = 0 ] \
      && [ "$(jq '.requests' "$tmp/run/m.json")" = "$n" ] || rc=1
  else   # the same command line as shared/bench/peers/curl_parallel.sh (without its jq check)
    { echo 'header = "Content-Type: application/json"'
      echo 'header = "Authorization: Bearer bench"'
      echo "data-binary = \"@$shared/peers/chat_body.json\""
      awk -v n="$n" -v u="$url/chat/completions" 'BEGIN { for (i = 0; i < n; i++) printf "url = \"%s\"\n", u }'
    } > "$tmp/curl_cg.cfg"
    timeout -k 10 "$run_timeout" valgrind --tool=callgrind --callgrind-out-file="$f" -q \
      curl -sS --no-progress-meter --fail --parallel --parallel-immediate --parallel-max "$conc" -K "$tmp/curl_cg.cfg" \
      > "$tmp/curl_cg.json" || rc=$?
    [ "$rc" -eq 0 ] && [ "$(jq -r '.choices[0].message.content' "$tmp/curl_cg.json" | grep -cx positive)" = "$n" ] || rc=1
  fi
  if [ "$rc" -ne 0 ] || [ ! -s "$f" ]; then log "$name n=$n FAILED"; echo 0; return; fi
  awk '/^(summary|totals):/ { print $2; exit }' "$f"
}

names=(synthgen)
[ "$with_curl" != 1 ] || names+=(curl)
declare -A ir
: > "$out_dir/ir.tsv"
failed=0
for name in "${names[@]}"; do
  for n in "$n_small" "$n_big"; do
    log "$name n=$n under callgrind"
    ir[$name,$n]=$(run_cg "$name" "$n")
    [ "${ir[$name,$n]}" != 0 ] || failed=1
    printf '%s\t%s\t%s\n' "$name" "$n" "${ir[$name,$n]}" >> "$out_dir/ir.tsv"
    log "  Ir=${ir[$name,$n]}"
  done
done

marginal() {  # marginal NAME -> Ir per request between the two sizes, or "-"
  awk -v a="${ir[$1,$n_small]:-0}" -v b="${ir[$1,$n_big]:-0}" -v s="$n_small" -v g="$n_big" \
    'BEGIN { if (a == 0 || b == 0) print "-"; else printf "%.0f\n", (b - a) / (g - s) }'
}
base_val() { [ -s "$baseline" ] && awk -F= -v k="$1" '$1 == k { print $2; exit }' "$baseline"; }

# the source tree the binary was built in (its build dir's checkout, else this repository)
tree=$(git -C "$(dirname "$bin")" rev-parse --show-toplevel 2>/dev/null || echo "$repo")
commit=$(git -C "$tree" rev-parse --short HEAD 2>/dev/null || echo '?')
git -C "$tree" diff --quiet HEAD -- src include CMakeLists.txt cmake config 2>/dev/null || commit+="+dirty"
echo "synthgen: $bin (sha256 $(sha256sum "$bin" | cut -c1-12)); $tree at $commit"
echo "runs: $n_small and $n_big requests, concurrency $conc, latency 0"
for name in "${names[@]}"; do
  m=$(marginal "$name")
  b=$(base_val "${name}_marginal_ir" || true)
  line="$name: Ir $(awk -v a="${ir[$name,$n_small]}" -v b="${ir[$name,$n_big]}" 'BEGIN { printf "%.1f M / %.1f M", a / 1e6, b / 1e6 }'), marginal Ir/request $m"
  if [ -n "$b" ] && [ "$m" != - ]; then
    line+=", baseline $b ($(base_val date), $(base_val commit)): ratio $(awk -v m="$m" -v b="$b" 'BEGIN { printf "%.3f", m / b }')"
    [ "$n_big/$n_small/$conc" = 2000/200/64 ] || line+=" (baseline at 2000/200 requests: not quite comparable)"
  fi
  echo "$line"
done

if [ "$write_baseline" = 1 ]; then
  [ "$failed" = 0 ] || { echo "callgrind.sh: a run failed; baseline not written" >&2; exit 1; }
  mkdir -p "$(dirname "$baseline")"
  {
    echo "# synthgen callgrind baseline, written by bench/callgrind.sh WRITE_BASELINE=1; compare with bench/callgrind.sh."
    echo "# marginal Ir/request = (Ir(n_big) - Ir(n_small)) / (n_big - n_small): whole client process, latency 0,"
    echo "# synthgen: --votes 1 --prompt simple, fresh store; curl: curl --parallel (shared/bench/peers/curl_parallel.sh)."
    echo "date=$(date -u +%Y-%m-%d)"
    echo "commit=$commit"
    echo "binary_sha256=$(sha256sum "$bin" | cut -c1-12)"
    echo "build_type=$(grep -m1 CMAKE_BUILD_TYPE "$(dirname "$bin")/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || echo '?')"
    echo "valgrind=$(valgrind --version)"
    echo "curl=$(curl -V | head -1 | cut -d' ' -f2)"
    echo "n_big=$n_big"
    echo "n_small=$n_small"
    echo "concurrency=$conc"
    echo "synthgen_ir_small=${ir[synthgen,$n_small]}"
    echo "synthgen_ir_big=${ir[synthgen,$n_big]}"
    echo "synthgen_marginal_ir=$(marginal synthgen)"
    echo "curl_ir_small=${ir[curl,$n_small]}"
    echo "curl_ir_big=${ir[curl,$n_big]}"
    echo "curl_marginal_ir=$(marginal curl)"
  } > "$baseline"
  log "written $baseline"
fi
[ "$failed" = 0 ] || exit 1
