#!/usr/bin/env bash
# Usage: bench/run.sh        (see bench/README.md)
# Env: REPEAT=3 (runs per figure, median), LAT_REPEAT=$REPEAT (runs per latency-hiding figure),
#      QUICK=1 (smaller and fewer runs: a smoke test), SKIP_PEERS=1 (synthgen, curl CLI and wrk only),
#      PORT=18180 (first port tried; the next 19 are tried too), SYNTHGEN=build/synthgen,
#      SHARED_BENCH=../shared/bench, OUT_MD=bench/results/latest.md, RUN_TIMEOUT=900 (s per run),
#      NO_INSTALL=1 (do not apt-get / npm anything; fail or skip instead),
#      ONLY=1,2,3,4,4b,5,6 (the sections to run; the others print "skipped"),
#      ES_LAT_MS=200 (model latency of the project's fake in section 5), ES_FLIP=0.1 (its flip rate),
#      RERUN_RUNS=20 (timed reruns in section 4b; QUICK: 5), PHRASEBANK=../shared/data/financial_phrasebank/
#      sentences_allagree.jsonl, FAKE_HF=tests/fake_hf/fake_hf.py.
#
# Starts the shared loopback nginx fake (../shared/bench/server/start.sh) and runs synthgen
# (bench/synthgen_peer.sh) beside the shared peers on the same work, then prints Markdown tables
# and writes them to $OUT_MD:
#   1. client overhead: latency 0, 20000 requests, concurrency 64 (req/s, CPU, peak RSS, ratios to curl)
#   2. latency hiding:  latency 200 ms, 300 requests at C = 1, 16, 64 and 20000 at C = 512 (wall vs floor)
#   3. memory:          synthgen peak RSS for 20000 and 1,000,000 rows
#   4. start-up:        `synthgen --version` vs `curl --version` (hyperfine, else a loop of 100)
#   4b. rerun:          the 2264-row x 3-vote job again with every answer in the store (hyperfine)
#   5. early stop:      the same job with and without --early-stop: requests, wall, same labels
#   6. instructions:    callgrind Ir per request, synthgen vs curl CLI (bench/callgrind.sh), and the
#                       kept baseline bench/results/callgrind-baseline.txt
# Sections 4b and 5 run against the project's own fake (tests/fake_hf/fake_hf.py: Financial PhraseBank
# from ../shared/data through its Hub-zip fallback, a "model" that answers the gold label, flipped for a
# set fraction of votes), the others against the shared nginx fake.
# Only 127.0.0.1 is ever sent a request. nginx and the fake are stopped on exit, whatever happens.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
shared=$(cd "${SHARED_BENCH:-$repo/../shared/bench}" && pwd)
cache=$here/.cache
quick=${QUICK:-0} skip_peers=${SKIP_PEERS:-0} no_install=${NO_INSTALL:-0}
repeat=${REPEAT:-$([ "$quick" = 1 ] && echo 1 || echo 3)}
lat_repeat=${LAT_REPEAT:-$repeat}
run_timeout=${RUN_TIMEOUT:-900}
only=${ONLY:-1,2,3,4,4b,5,6}
only=${only// /}
for sec in ${only//,/ }; do
  case "$sec" in 1|2|3|4|4b|5|6) ;; *) echo "ONLY: unknown section '$sec' (sections: 1,2,3,4,4b,5,6)" >&2; exit 2 ;; esac
done
want() { [[ ",$only," == *",$1,"* ]]; }
# A smoke test or a partial run never overwrites the committed report: it goes to bench/.cache (git-ignored).
if [ "$quick" = 1 ] || [ -n "${ONLY:-}" ]; then out_md=${OUT_MD:-$cache/results/latest.md}; else out_md=${OUT_MD:-$here/results/latest.md}; fi
export SYNTHGEN=${SYNTHGEN:-$repo/build/synthgen}
need_nginx=0; if want 1 || want 2 || want 3 || want 6; then need_nginx=1; fi
need_fake=0; if want 4b || want 5; then need_fake=1; fi
use_peers=0; if [ "$skip_peers" != 1 ] && { want 1 || want 2; }; then use_peers=1; fi

es_lat_ms=${ES_LAT_MS:-200} es_flip=${ES_FLIP:-0.1}
rr_runs=${RERUN_RUNS:-$([ "$quick" = 1 ] && echo 5 || echo 20)}
phrasebank=${PHRASEBANK:-$repo/../shared/data/financial_phrasebank/sentences_allagree.jsonl}
fake_src=${FAKE_HF:-$repo/tests/fake_hf/fake_hf.py}
case "$es_lat_ms$rr_runs" in *[!0-9]*) echo "ES_LAT_MS and RERUN_RUNS must be whole numbers" >&2; exit 2 ;; esac
[[ $es_flip =~ ^(0(\.[0-9]+)?|1(\.0*)?)$ ]] || { echo "ES_FLIP must be a number in 0..1" >&2; exit 2; }
if [ "$rr_runs" -lt 1 ] || [ "$rr_runs" -gt 200 ]; then echo "RERUN_RUNS must be in 1..200" >&2; exit 2; fi
case "$repeat$lat_repeat" in *[!0-9]*) echo "REPEAT and LAT_REPEAT must be whole numbers" >&2; exit 2 ;; esac
if [ "$repeat" -lt 1 ] || [ "$repeat" -gt 50 ] || [ "$lat_repeat" -lt 1 ] || [ "$lat_repeat" -gt 50 ]; then
  echo "REPEAT and LAT_REPEAT must be in 1..50" >&2; exit 2
fi

load0=$(cut -d' ' -f1 /proc/loadavg)

# ---- work sizes ------------------------------------------------------------------------------
if [ "$quick" = 1 ]; then
  ovh_n=2000 ovh_c=64
  lat_runs=("20 1" "300 16" "300 64" "2000 512")
  mem_sizes=(20000 100000)
  start_runs=20
  cg_big=500 cg_small=100
else
  ovh_n=20000 ovh_c=64
  lat_runs=("300 1" "300 16" "300 64" "20000 512")
  mem_sizes=(20000 1000000)
  start_runs=100
  cg_big=2000 cg_small=200
fi
lat_ms=200 cg_c=64 mem_c=64

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- cleanup: nginx and temp dir, on any exit ------------------------------------------------
tmp=$(mktemp -d /tmp/synthgen-bench.XXXXXX)
chmod 755 "$tmp"   # nginx workers (user nobody when run as root) must read the pages in it
server="" server_prefix=""
stop_server() {
  if [ -n "$server" ]; then
    "$shared/server/stop.sh" "$server" >/dev/null 2>&1 || kill -TERM "$server" 2>/dev/null || true
    server=""
  fi
  # stop.sh removes nginx's temp prefix, unless nginx was already gone (e.g. it got the Ctrl-C too)
  case "$server_prefix" in /tmp/synthgen-bench-nginx.*) rm -rf "$server_prefix" ;; esac
  server_prefix=""
}
fake_pid=""
stop_fake() {
  if [ -n "$fake_pid" ]; then
    kill -TERM "$fake_pid" 2>/dev/null || true
    wait "$fake_pid" 2>/dev/null || true
    fake_pid=""
  fi
}
cleanup() { stop_server; stop_fake; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# ---- dependencies ------------------------------------------------------------------------------
sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_=sudo
apt_updated=0
apt_install() {  # apt_install PKG... : installs those not installed yet (and available)
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  [ "$no_install" != 1 ] || { log "NO_INSTALL=1: not installing ${missing[*]}"; return 0; }
  if [ "$apt_updated" = 0 ]; then $sudo_ apt-get update -qq >&2; apt_updated=1; fi
  local avail=()
  for p in "${missing[@]}"; do
    if apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [^(]'; then avail+=("$p"); else log "apt: no package $p here, skipping it"; fi
  done
  [ ${#avail[@]} -gt 0 ] || return 0
  log "apt-get install ${avail[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends "${avail[@]}" >&2
}

apt_install nginx libnginx-mod-http-echo wrk time jq curl python3 python3-requests python3-aiohttp valgrind hyperfine procps
tools=(jq curl /usr/bin/time)
[ "$need_nginx" = 0 ] || tools+=(nginx)
if want 1 || want 2; then tools+=(wrk); fi
[ "$need_fake" = 0 ] || tools+=(python3)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install it)" >&2; exit 1; }
done
[ "$need_nginx" = 0 ] || [ -e /usr/lib/nginx/modules/ngx_http_echo_module.so ] || { echo "missing libnginx-mod-http-echo" >&2; exit 1; }

# python for the requests peers: python3 on PATH if it has requests, else Debian's
py_req=python3
python3 -c 'import requests' 2>/dev/null || py_req=/usr/bin/python3

if [ "$use_peers" = 1 ]; then
  node_ok() { command -v node >/dev/null && command -v npm >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 18 ]; }
  node_ok || apt_install nodejs npm
  node_ok || { echo "need node >= 18 with npm for the node peers (or SKIP_PEERS=1)" >&2; exit 1; }
  # node peers: a copy of each shared peer folder (shared/ is read-only), npm-installed in bench/.cache
  mkdir -p "$cache/peers"
  cp "$shared/peers/chat_body.json" "$cache/peers/chat_body.json"   # bench.mjs reads ../chat_body.json
  for p in node_openai node_hf_inference; do
    d=$cache/peers/$p
    mkdir -p "$d"
    if ! cmp -s "$shared/peers/$p/package-lock.json" "$d/package-lock.json" || [ ! -d "$d/node_modules" ]; then
      cp "$shared/peers/$p/package.json" "$shared/peers/$p/package-lock.json" "$d/"
      [ "$no_install" != 1 ] || { echo "NO_INSTALL=1 but $d has no node_modules" >&2; exit 1; }
      log "npm ci in $d"
      (cd "$d" && { npm ci --no-audit --no-fund --loglevel=error >&2 || npm install --no-audit --no-fund --loglevel=error >&2; })
    fi
    cp "$shared/peers/$p/bench.mjs" "$d/bench.mjs"
  done
fi

# ---- synthgen ----------------------------------------------------------------------------------
if [ ! -x "$SYNTHGEN" ]; then
  log "no $SYNTHGEN: building with scripts/build.sh"
  bash "$repo/scripts/build.sh" >&2
fi
[ -x "$SYNTHGEN" ] || { echo "no synthgen binary at $SYNTHGEN" >&2; exit 1; }
# Measure a snapshot: the build dir may be rebuilt while this runs (it takes ~45 min).
syn_src=$(cd "$(dirname "$SYNTHGEN")" && pwd)/$(basename "$SYNTHGEN")
syn_build=$(grep -m1 CMAKE_BUILD_TYPE "$(dirname "$syn_src")/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || true)
# the source tree the binary was built in (its build dir's checkout, e.g. a worktree; else this repository)
syn_tree=$(git -C "$(dirname "$syn_src")" rev-parse --show-toplevel 2>/dev/null || echo "$repo")
syn_commit=$(git -C "$syn_tree" rev-parse --short HEAD 2>/dev/null || echo '?')
git -C "$syn_tree" diff --quiet HEAD -- src include CMakeLists.txt cmake config 2>/dev/null || syn_commit+=" + uncommitted changes in src/include/config"
[ "$syn_tree" = "$repo" ] || syn_commit="$syn_commit (checkout $syn_tree)"
syn_when=$(date -u -r "$syn_src" +%Y-%m-%dT%H:%MZ)
mkdir -p "$tmp/bin"
cp "$syn_src" "$tmp/bin/synthgen"
export SYNTHGEN=$tmp/bin/synthgen
syn_sha=$(sha256sum "$SYNTHGEN" | cut -c1-12)
log "measuring a copy of $syn_src (built $syn_when, sha256 $syn_sha, tree at $syn_commit)"
if [ "$need_fake" = 1 ]; then
  # a copy too: tests/ may change while this runs
  [ -f "$fake_src" ] || { echo "no fake at $fake_src (FAKE_HF)" >&2; exit 1; }
  [ -f "$phrasebank" ] || { echo "no Financial PhraseBank at $phrasebank (PHRASEBANK): sections 4b and 5 need it" >&2; exit 1; }
  cp "$fake_src" "$tmp/bin/fake_hf.py"
  pb_rows=$(grep -c . "$phrasebank")
fi

# ---- pages (in the temp dir, never in shared/) ---------------------------------------------------
export PAGES_DIR=$tmp/pages
sizes=$( { if want 1; then echo "$ovh_n"; fi
           if want 2; then for r in "${lat_runs[@]}"; do echo "${r%% *}"; done; fi
           if want 3; then printf '%s\n' "${mem_sizes[@]}"; fi
           if want 6; then printf '%s\n' "$cg_big" "$cg_small"; fi; } | sort -un)
for n in $sizes; do
  log "pages synthetic_$n"
  python3 "$shared/server/make_pages.py" --synthetic "$n" --out "$PAGES_DIR" >/dev/null
done

# ---- clients -------------------------------------------------------------------------------------
keys=()
declare -A label cmd
add_peer() { keys+=("$1"); label[$1]=$2; cmd[$1]=$3; }
add_peer wrk        "wrk + Lua (server ceiling)"      "$shared/peers/wrk.sh"
add_peer curl       "curl CLI --parallel"             "$shared/peers/curl_parallel.sh"
add_peer synthgen   "**synthgen** (full pipeline)"    "$here/synthgen_peer.sh"
add_peer synthgen_nocache "synthgen --no-cache"       "env SYNTHGEN_PEER_CACHE=none $here/synthgen_peer.sh"
lat_keys=(wrk curl synthgen)   # the --no-cache variant runs in test 1 only
ovh_keys=(wrk curl synthgen synthgen_nocache)
if [ "$use_peers" = 1 ]; then
  add_peer node_openai "node openai SDK"                "node $cache/peers/node_openai/bench.mjs"
  add_peer node_hf     "node @huggingface/inference"    "node $cache/peers/node_hf_inference/bench.mjs"
  add_peer py_req      "python requests.post + threads" "$py_req $shared/peers/python_requests_threads.py"
  add_peer py_session  "python requests.Session/thread" "$py_req $shared/peers/python_requests_threads.py --session"
  add_peer py_aiohttp  "python aiohttp + Semaphore"     "/usr/bin/python3 $shared/peers/python_aiohttp.py"
  lat_keys+=(node_openai node_hf py_req py_session py_aiohttp)
  ovh_keys+=(node_openai node_hf py_req py_session py_aiohttp)
fi

# ---- server --------------------------------------------------------------------------------------
port="" url=""
if [ "$need_nginx" = 1 ]; then
  for p in $(seq "${PORT:-18180}" "$(( ${PORT:-18180} + 19 ))"); do
    if ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/" && ! ss -ltnH "sport = :$p" 2>/dev/null | grep -q .; then port=$p; break; fi
  done
  [ -n "$port" ] || { echo "no free port in ${PORT:-18180}..+19" >&2; exit 1; }
  url=http://127.0.0.1:$port/v1
fi

start_server() {  # start_server LATENCY_MS
  stop_server
  server=$("$shared/server/start.sh" "$port" "$1")
  server_prefix=$(grep -ao '/tmp/synthgen-bench-nginx\.[A-Za-z0-9]*' "/proc/$server/cmdline" 2>/dev/null | head -1 || true)
  log "nginx $server on 127.0.0.1:$port, latency $1 ms"
}

server_cpu() {  # CPU seconds used so far by the nginx workers
  local t=0 w
  for w in $(pgrep -P "$server" || true); do t=$((t + $(awk '{print $14 + $15}' "/proc/$w/stat" 2>/dev/null || echo 0))); done
  awk -v t="$t" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

# measure TEST KEY N C REP: one timed run, appends a record to $tmp/runs.tsv:
# test key n c rep status wall rps cpu_s rss_mib server_cpu_s bin_cpu_s bin_rss_mib whole_wall_s
runs=$tmp/runs.tsv
: > "$runs"
measure() {
  local test=$1 key=$2 n=$3 c=$4 rep=$5 s0 s1 rc=0 line status=ok
  local bin_time="" metrics=""
  if [[ $key == synthgen* ]]; then bin_time=$tmp/bin_time; metrics=$tmp/m.json; rm -f "$bin_time" "$metrics"; fi
  s0=$(server_cpu)
  # shellcheck disable=SC2086  # cmd is a word list
  SYNTHGEN_PEER_TIME=$bin_time SYNTHGEN_PEER_METRICS=$metrics \
    /usr/bin/time -v -o "$tmp/time" timeout -k 10 "$run_timeout" ${cmd[$key]} "$url" "$n" "$c" > "$tmp/out" 2> "$tmp/err" || rc=$?
  s1=$(server_cpu)
  line=$(grep -m1 '^peer=' "$tmp/out" || true)
  if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
    status=fail
    log "  $key n=$n c=$c FAILED (exit $rc): $(tail -c 400 "$tmp/err" | tr '\n' ' ') $line"
  else
    log "  $line"
  fi
  local bin_cpu=- bin_rss=- whole=-
  if [ -n "$bin_time" ] && [ -s "$bin_time" ]; then
    read -r bin_cpu bin_rss < <(awk '/User time/ { u = $NF } /System time/ { s = $NF } /Maximum resident/ { r = $NF }
                                    END { printf "%.3f %.1f\n", u + s, r / 1024 }' "$bin_time")
  fi
  [ -n "$metrics" ] && [ -s "$metrics" ] && whole=$(jq -r '.wall_s' "$metrics")
  awk -v line="$line" -v test="$test" -v key="$key" -v n="$n" -v c="$c" -v rep="$rep" -v st="$status" \
      -v s="$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')" -v bc="$bin_cpu" -v br="$bin_rss" -v ww="$whole" '
    /User time/ { u = $NF } /System time/ { sy = $NF } /Maximum resident/ { rss = $NF }
    END { m = split(line, kv, " "); for (i = 1; i <= m; i++) { split(kv[i], p, "="); v[p[1]] = p[2] }
          if (st == "ok" && (v["ok"] != v["requests"] || v["requests"] < n)) st = "fail"
          printf "%s\t%s\t%d\t%d\t%d\t%s\t%.3f\t%.1f\t%.3f\t%.1f\t%.2f\t%s\t%s\t%s\n",
                 test, key, n, c, rep, st, v["wall_s"], v["req_per_s"], u + sy, rss / 1024, s, bc, br, ww }' "$tmp/time" >> "$runs"
}

# median TEST KEY N C FIELD: the record (among ok runs) with the median value of FIELD
median() {
  awk -F'\t' -v t="$1" -v k="$2" -v n="$3" -v c="$4" '$1 == t && $2 == k && $3 == n && $4 == c && $6 == "ok"' "$runs" \
    | sort -t$'\t' -k"$5","$5"g > "$tmp/med"
  local cnt; cnt=$(wc -l < "$tmp/med")
  [ "$cnt" -gt 0 ] || return 0
  sed -n "$(( (cnt + 1) / 2 ))p" "$tmp/med"
}
spread() {  # spread TEST KEY N C FIELD -> "min–max" over ok runs
  awk -F'\t' -v t="$1" -v k="$2" -v n="$3" -v c="$4" -v f="$5" '$1 == t && $2 == k && $3 == n && $4 == c && $6 == "ok" {
      x = $f + 0; if (!seen++ || x < lo) lo = x; if (seen == 1 || x > hi) hi = x }
    END { if (seen) printf (hi >= 100 ? "%.0f–%.0f" : "%.2f–%.2f"), lo, hi; else printf "-" }' "$runs"
}

# =================================================================================================
# 4. start-up (no server needed)
su_mean="" su_sd="" su_min="" su_how="" cu_mean="" cu_sd="" cu_min="" su_rss="" cu_rss=""
startup() {  # startup NAME CMD... -> "mean_ms sd_ms min_ms how"
  local name=$1; shift
  if command -v hyperfine >/dev/null; then
    hyperfine -N --style none --warmup 5 --runs "$start_runs" --export-json "$tmp/hf_$name.json" "$*" >/dev/null 2>&1 \
      || hyperfine --style none --warmup 5 --runs "$start_runs" --export-json "$tmp/hf_$name.json" "$*" >/dev/null 2>&1
    jq -r '.results[0] | "\(.mean * 1000) \(.stddev * 1000) \(.min * 1000) hyperfine"' "$tmp/hf_$name.json"
  else
    local t0 t1
    for _ in $(seq 5); do "$@" >/dev/null; done
    t0=$(date +%s%N)
    for _ in $(seq "$start_runs"); do "$@" >/dev/null; done
    t1=$(date +%s%N)
    awk -v d="$((t1 - t0))" -v n="$start_runs" 'BEGIN { printf "%.3f - - loop\n", d / n / 1e6 }'
  fi
}
if want 4; then
  log "4. start-up: --version x $start_runs"
  read -r su_mean su_sd su_min su_how < <(startup synthgen "$SYNTHGEN" --version)
  read -r cu_mean cu_sd cu_min _ < <(startup curl "$(command -v curl)" --version)
  su_rss=$(/usr/bin/time -f %M "$SYNTHGEN" --version 2>&1 >/dev/null | tail -1)
  cu_rss=$(/usr/bin/time -f %M curl --version 2>&1 >/dev/null | tail -1)
fi

# =================================================================================================
# latency 0: 1. overhead, 3. memory, 6. callgrind
cg_ok=0
declare -A ir=()
if want 1 || want 3 || want 6; then
start_server 0

if want 1; then
  log "1. overhead: latency 0, $ovh_n requests, C=$ovh_c, $repeat run(s) each, interleaved"
  for rep in $(seq "$repeat"); do
    for k in "${ovh_keys[@]}"; do measure ovh "$k" "$ovh_n" "$ovh_c" "$rep"; done
  done
fi

if want 3; then
  log "3. memory: synthgen at ${mem_sizes[*]} rows, C=$mem_c"
  for rep in $(seq "$repeat"); do
    for n in "${mem_sizes[@]}"; do measure mem synthgen "$n" "$mem_c" "$rep"; done
  done
fi

if ! want 6; then
  :
elif command -v valgrind >/dev/null; then
  log "6. callgrind: synthgen and curl at $cg_small and $cg_big requests, C=$cg_c (bench/callgrind.sh)"
  cg_ok=1
  # bench/callgrind.sh holds the measured command lines (the kept baseline was made with it too)
  mkdir -p "$tmp/cg"
  URL=$url OUT_DIR=$tmp/cg WITH_CURL=1 N_BIG=$cg_big N_SMALL=$cg_small CONC=$cg_c RUN_TIMEOUT=$run_timeout \
    SHARED_BENCH=$shared BASELINE=/dev/null bash "$here/callgrind.sh" > "$tmp/cg/summary.txt" || log "  bench/callgrind.sh: a run failed"
  while IFS=$'\t' read -r name n value; do ir[$name,$n]=$value; done < <(cat "$tmp/cg/ir.tsv" 2>/dev/null || true)
  # callgrind_annotate lines, readable: template arguments folded to <...>, nlohmann's ABI namespace and
  # the std::__cxx11 string spelled short, source paths dropped (the object is kept), 200 columns at most
  shorten() {
    perl -pe 's/std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >/std::string/g;
              s/json_abi_v3_11_2:://g; 1 while s/<[^<>]*>/\x01\x02/g; s/\x01\x02/<...>/g;
              s/(\)\s+)[^\s:]+:(?=[^\s:])/$1/; s#\[/tmp/synthgen-bench\.[^/\]]+/bin/synthgen\]#[synthgen]#g' | cut -c1-200
  }
  if [ -s "$tmp/cg/cg_synthgen_$cg_big.out" ]; then
    callgrind_annotate --inclusive=no "$tmp/cg/cg_synthgen_$cg_big.out" 2>/dev/null \
      | awk '/^-+$/ { d++ } d >= 3 && NF && $1 ~ /^[0-9,]+$/' | head -20 | shorten > "$tmp/cg_top_self" || true
    callgrind_annotate --inclusive=yes "$tmp/cg/cg_synthgen_$cg_big.out" 2>/dev/null \
      | awk '/^-+$/ { d++ } d >= 3 && NF && $1 ~ /^[0-9,]+$/' | head -25 | shorten > "$tmp/cg_top_incl" || true
  fi
else
  log "6. callgrind: no valgrind, skipped"
fi
stop_server
fi

# =================================================================================================
# 2. latency hiding
if want 2; then
  start_server "$lat_ms"
  log "2. latency hiding: latency $lat_ms ms, runs ${lat_runs[*]/ /@}, $lat_repeat run(s) each"
  for rep in $(seq "$lat_repeat"); do
    for r in "${lat_runs[@]}"; do
      read -r n c <<< "$r"
      for k in "${lat_keys[@]}"; do measure lat "$k" "$n" "$c" "$rep"; done
    done
  done
  stop_server
fi

# =================================================================================================
# 4b and 5: the main job (all rows of sentences_allagree, --prompt cot --votes 3) on the project's fake
fake_token=hf_bench_token_for_the_local_fake
fake_base=""
start_fake() {  # start_fake NAME LATENCY_MS: the project's fake, PhraseBank through the Hub zip, flip rate $es_flip
  stop_fake
  local d=$tmp/fake_$1
  mkdir -p "$d"
  jq -n --arg token "$fake_token" --arg file "$phrasebank" --argjson flip "$es_flip" --argjson lat "$2" '
    { token: $token,
      datasets: { "takala/financial_phrasebank": {
        viewer: { status: 501, body: { error: "Dataset scripts are no longer supported" },
                  headers: { "X-Error-Code": "DatasetWithScriptNotSupportedError" } },
        configs: { sentences_allagree: { file: $file } },
        zip: { line_ending: "\r\n", redirect: true } } },
      model: { policy: "gold", flip_rate: $flip, style: "auto", latency_ms: $lat } }' > "$d/scenario.json"
  python3 "$tmp/bin/fake_hf.py" --scenario "$d/scenario.json" --port-file "$d/port" < /dev/null > "$d/stderr" 2>&1 &
  fake_pid=$!
  for _ in $(seq 200); do   # at most ~10 s
    [ -s "$d/port" ] && break
    kill -0 "$fake_pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ ! -s "$d/port" ]; then
    log "the fake did not start: $(tail -c 400 "$d/stderr" | tr '\n' ' ')"; stop_fake; return 1
  fi
  fake_base=http://127.0.0.1:$(cat "$d/port")
  log "fake_hf.py $fake_pid on ${fake_base#http://}, model latency $2 ms, flip rate $es_flip"
}
fake_cpu() {  # CPU seconds used so far by the fake
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$fake_pid/stat" 2>/dev/null || echo 0
}
fake_stats() { curl -s --max-time 10 "$fake_base/_fake/stats" | jq -c '.requests'; }
fake_reset() { curl -s --max-time 10 -o /dev/null -X POST "$fake_base/_fake/reset"; }
# In a subshell: a user's fresh environment in DIR: cwd DIR (no ./.env, no ./synthgen.toml), no SYNTHGEN_<OPTION>,
# HF_*, OPENAI_* or proxy variable, download cache and default store under DIR/xdg-cache, no user config.
user_env() {
  local v
  for v in $(compgen -e); do
    case "$v" in SYNTHGEN_*|HF_*|HUGGING_FACE*|OPENAI_*|[Hh][Tt][Tt][Pp]_[Pp][Rr][Oo][Xx][Yy]|[Hh][Tt][Tt][Pp][Ss]_[Pp][Rr][Oo][Xx][Yy]|[Aa][Ll][Ll]_[Pp][Rr][Oo][Xx][Yy]|[Nn][Oo]_[Pp][Rr][Oo][Xx][Yy]) unset "$v" ;; esac
  done
  export XDG_CACHE_HOME=$1/xdg-cache XDG_CONFIG_HOME=$1/xdg-config HF_TOKEN=$fake_token
  cd "$1"
}
job_args() {  # the main job's command line, on the fake
  job=("$SYNTHGEN" --subset sentences_allagree --n-sample 0 --prompt cot --votes 3 --concurrency 64
       --endpoint "$fake_base/v1" --datasets-server "$fake_base" --hub-endpoint "$fake_base"
       --output df_train.csv --metrics-json metrics.json)
}
job_votes() { echo $((pb_rows * 3)); }

# ---- 4b. rerun from the store
rr_how="" rr_fill="" rr_check="" rr_check_off="" rr_stats="" rr_stats_off="" rr_fail=""
declare -A rr_t=()
if want 4b; then
  log "4b. rerun: all $pb_rows rows x 3 votes, once to fill a fresh store, then the identical command x $rr_runs"
  if start_fake rerun 0; then
    d=$tmp/rerun; mkdir -p "$d"
    job_args
    rc=0
    (user_env "$d"; timeout -k 10 "$run_timeout" "${job[@]}") > "$d/fill.out" 2> "$d/fill.err" || rc=$?
    if [ "$rc" -eq 0 ] && [ -s "$d/metrics.json" ]; then
      cp "$d/metrics.json" "$d/fill.json"; cp "$d/df_train.csv" "$d/fill.csv"
      rr_fill=$(jq -r '[.requests, .skipped_votes, .failed_requests, .cached] | @tsv' "$d/fill.json")
      log "  filled: requests, skipped, failed, cached = $(tr '\t' ' ' <<< "$rr_fill")"
      # rr_time NAME EXTRA...: mean sd min max (s) of the timed reruns
      rr_time() {
        local name=$1 t0 t1; shift
        if command -v hyperfine >/dev/null; then
          (user_env "$d"; timeout -k 10 "$run_timeout" hyperfine -N --style none --warmup 1 --runs "$rr_runs" \
             --export-json "$tmp/hf_rr_$name.json" "${job[*]} $*") > /dev/null 2>> "$d/rerun.err" || return 0
          jq -r '.results[0] | "\(.mean) \(.stddev) \(.min) \(.max)"' "$tmp/hf_rr_$name.json"
        else
          (user_env "$d"
           timeout -k 10 "$run_timeout" "${job[@]}" "$@" > /dev/null 2>&1 || exit 1
           for _ in $(seq "$rr_runs"); do
             t0=$(date +%s%N); timeout -k 10 "$run_timeout" "${job[@]}" "$@" > /dev/null 2>&1 || exit 1; t1=$(date +%s%N)
             echo "$(( t1 - t0 ))"
           done) > "$tmp/rr_$name.ns" 2>> "$d/rerun.err" || return 0
          awk '{ x = $1 / 1e9; s += x; q += x * x; if (NR == 1 || x < lo) lo = x; if (x > hi) hi = x }
               END { if (NR) { m = s / NR; v = q / NR - m * m; printf "%.6f %.6f %.6f %.6f\n", m, (v > 0 ? sqrt(v) : 0), lo, hi } }' "$tmp/rr_$name.ns"
        fi
      }
      rr_how="a loop of $rr_runs runs after 1 warm-up (no hyperfine)"
      if command -v hyperfine >/dev/null; then rr_how="hyperfine -N, $rr_runs runs after 1 warm-up"; fi
      rr_t[plain]=$(rr_time plain)
      rr_t[offline]=$(rr_time offline --offline)
      # one more of each, counted: what the rerun asked the fake for, and its metrics
      rr_one() {  # rr_one EXTRA... -> "requests skipped failed cached csv_same" ; fake stats in $d/stats
        local rc=0
        fake_reset
        (user_env "$d"; timeout -k 10 "$run_timeout" "${job[@]}" "$@") > /dev/null 2>> "$d/rerun.err" || rc=$?
        fake_stats > "$d/stats"
        if [ "$rc" -ne 0 ] || [ ! -s "$d/metrics.json" ]; then echo "exit=$rc"; return 0; fi
        printf '%s\t%s\n' "$(jq -r '[.requests, .skipped_votes, .failed_requests, .cached] | @tsv' "$d/metrics.json")" \
          "$(cmp -s "$d/df_train.csv" "$d/fill.csv" && echo same || echo differs)"
      }
      rr_check=$(rr_one); rr_stats=$(cat "$d/stats")
      rr_check_off=$(rr_one --offline); rr_stats_off=$(cat "$d/stats")
      log "  rerun: $(tr '\t' ' ' <<< "$rr_check"); fake saw $rr_stats; --offline: $(tr '\t' ' ' <<< "$rr_check_off"); fake saw $rr_stats_off"
      IFS=$'\t' read -r f_req f_skip _ _ <<< "$rr_fill"
      for c in "$rr_check" "$rr_check_off"; do
        IFS=$'\t' read -r r_req r_skip r_fail r_cached r_same <<< "$c"
        if [ "${r_req:-x}" != 0 ] || [ "${r_fail:-x}" != 0 ] || [ "${r_cached:-x}" != "$f_req" ] || [ "${r_same:-}" != same ] \
           || [ $(( ${r_cached:-0} + ${r_skip:-0} )) -ne "$(job_votes)" ] || [ "${r_skip:-x}" != "$f_skip" ]; then
          rr_fail+="${rr_fail:+; }expected requests 0, cached $f_req, cached + skipped $(job_votes), the same CSV; got: $(tr '\t' ' ' <<< "$c")"
        fi
      done
      if [ -z "${rr_t[plain]}" ] || [ -z "${rr_t[offline]}" ]; then
        rr_fail+="${rr_fail:+; }a timed rerun failed: $(tail -c 300 "$d/rerun.err" | tr '\n' ' ')"
      fi
      [ -z "$rr_fail" ] || log "  4b CHECK FAILED: $rr_fail"
    else
      log "  4b: the filling run FAILED (exit $rc): $(tail -c 400 "$d/fill.err" | tr '\n' ' ')"
    fi
    stop_fake
  fi
fi

# ---- 5. early stop
es_ok=0
es_runs=$tmp/es.tsv   # rep mode status requests skipped cached failed invalid request_wall whole_wall cpu rss fake_cpu accuracy macro_f1 csv_sha
: > "$es_runs"
if want 5; then
  log "5. early stop: all $pb_rows rows x 3 votes, cot, model latency $es_lat_ms ms, flip $es_flip, C=64, $repeat run(s) each way"
  if start_fake early "$es_lat_ms"; then
    es_ok=1
    job_args
    for rep in $(seq "$repeat"); do
      for mode in early full; do
        d=$tmp/es/$mode-$rep; mkdir -p "$d"
        flags=(); [ "$mode" = early ] || flags=(--no-early-stop)
        rc=0 c0=$(fake_cpu)
        (user_env "$d"; /usr/bin/time -v -o "$d/time" timeout -k 10 "$run_timeout" "${job[@]}" --cache "$d/store.sqlite3" \
           --quiet --no-report ${flags[@]+"${flags[@]}"}) > "$d/out" 2> "$d/err" || rc=$?
        c1=$(fake_cpu)
        status=ok
        if [ "$rc" -ne 0 ] || [ ! -s "$d/metrics.json" ]; then
          status=fail; log "  $mode rep $rep FAILED (exit $rc): $(tail -c 400 "$d/err" | tr '\n' ' ')"
          printf '%s\t%s\tfail\n' "$rep" "$mode" >> "$es_runs"
          printf 'es\t%s\t%d\t64\t%d\tfail\t0\t0\t0\t0\t0\t-\t-\t-\n' "$mode" "$pb_rows" "$rep" >> "$runs"
        else
          read -r req skip cached failed invalid rwall wall acc f1 < <(jq -r '[.requests, .skipped_votes, .cached, .failed_requests,
            (.invalid_answers // 0), .request_wall_s, .wall_s, .accuracy, .macro_f1] | @tsv' "$d/metrics.json")
          read -r cpu rss < <(awk '/User time/ { u = $NF } /System time/ { s = $NF } /Maximum resident/ { r = $NF }
                                   END { printf "%.3f %.1f\n", u + s, r / 1024 }' "$d/time")
          want_skip=$skip; [ "$mode" = early ] || want_skip=0
          if [ "$failed" != 0 ] || [ "$cached" != 0 ] || [ "$skip" != "$want_skip" ] || [ $((req + skip)) -ne "$(job_votes)" ]; then
            status=fail; log "  $mode rep $rep: expected requests + skipped = $(job_votes), no failure, nothing cached; got requests $req skipped $skip cached $cached failed $failed"
          fi
          log "  $mode rep $rep: requests $req, skipped $skip, request wall $rwall s, accuracy $acc"
          printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$mode" "$status" "$req" "$skip" "$cached" "$failed" \
            "$invalid" "$rwall" "$wall" "$cpu" "$rss" "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')" "$acc" "$f1" \
            "$(sha256sum "$d/df_train.csv" | cut -c1-16)" >> "$es_runs"
          # the common run record too (n = rows, wall = request phase, CPU and RSS of the binary)
          printf 'es\t%s\t%d\t64\t%d\t%s\t%.3f\t%.1f\t%s\t%s\t%s\t%s\t%s\t%.3f\n' "$mode" "$pb_rows" "$rep" "$status" "$rwall" \
            "$(awk -v n="$req" -v w="$rwall" 'BEGIN { print (w > 0 ? n / w : 0) }')" "$cpu" "$rss" "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')" \
            "$cpu" "$rss" "$wall" >> "$runs"
        fi
      done
    done
    stop_fake
  fi
fi

# =================================================================================================
# report
f() { awk -v x="$1" -v fmt="$2" 'BEGIN { if (x == "" || x == "-") print "-"; else printf fmt, x }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
skipped() { echo "## $1"; echo; echo "Skipped (ONLY=$only)."; }
es_median() {  # es_median MODE: the ok record of $es_runs with the median request wall
  awk -F'\t' -v m="$1" '$2 == m && $3 == "ok"' "$es_runs" | sort -t$'\t' -k9,9g > "$tmp/es_med"
  local cnt; cnt=$(wc -l < "$tmp/es_med")
  [ "$cnt" -gt 0 ] || return 0
  sed -n "$(( (cnt + 1) / 2 ))p" "$tmp/es_med"
}
es_spread() {  # es_spread MODE COLUMN -> "min–max" over ok runs
  awk -F'\t' -v m="$1" -v f="$2" '$2 == m && $3 == "ok" { x = $f + 0; if (!seen++ || x < lo) lo = x; if (seen == 1 || x > hi) hi = x }
    END { if (seen) printf "%.2f–%.2f", lo, hi; else printf "-" }' "$es_runs"
}
cg_baseline=$here/results/callgrind-baseline.txt
cg_base() { [ -s "$cg_baseline" ] && awk -F= -v k="$1" '$1 == k { print $2; exit }' "$cg_baseline"; }

{
  echo "# synthgen bench $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "synthgen $("$SYNTHGEN" --version | awk '{print $NF}'): a copy of $syn_src taken at the start (built $syn_when, ${syn_build:-?} build," \
       "sha256 $syn_sha; the work tree was at $syn_commit)." \
       "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(uname -sr)."
  [ "$need_nginx" = 0 ] || echo "Server: shared/bench nginx fake, nginx $(nginx -v 2>&1 | cut -d/ -f2) (1 worker), 127.0.0.1:$port. Clients: $(curl -V | head -1 | cut -d' ' -f1-2)$( [ "$use_peers" = 0 ] || echo ", node $(node -v) + openai $(node -p "require('$cache/peers/node_openai/node_modules/openai/package.json').version") / @huggingface/inference $(node -p "require('$cache/peers/node_hf_inference/node_modules/@huggingface/inference/package.json').version"), $py_req $($py_req -c 'import platform, requests; print(platform.python_version(), "+ requests", requests.__version__)'), /usr/bin/python3 $(/usr/bin/python3 -c 'import platform, aiohttp; print(platform.python_version(), "+ aiohttp", aiohttp.__version__)')")."
  echo "Load average (1 min) at start $load0, at the end $(cut -d' ' -f1 /proc/loadavg): other work on these $(nproc) cores skews every figure."
  [ "$need_fake" = 0 ] || echo "Sections 4b and 5: the project's fake (\`tests/fake_hf/fake_hf.py\`, a copy taken at the start; Python $(python3 -c 'import platform; print(platform.python_version())')) serving Financial PhraseBank sentences_allagree ($pb_rows rows) from \`$phrasebank\` through its Hub-zip fallback."
  echo "Mode: REPEAT=$repeat, LAT_REPEAT=$lat_repeat$( [ "$quick" = 1 ] && echo ', QUICK=1 (smaller work: not the issue targets)')$( [ "$skip_peers" = 1 ] && echo ', SKIP_PEERS=1')$( [ -n "${ONLY:-}" ] && echo ", ONLY=$only")." \
       "Runs are interleaved (each repeat runs every client once). Each figure is the median run (by req/s or wall), with the min–max over runs."
  echo
  if want 1; then
    echo "## 1. Client overhead: latency 0 ms, $ovh_n requests, concurrency $ovh_c"
    echo
    echo "synthgen runs the full pipeline (loads $ovh_n rows from \`/rows\` in $(( (ovh_n + 99) / 100 )) pages, builds each prompt, parses, votes, writes the CSV and metrics JSON);"
    echo "its wall and req/s are the request phase alone (\`request_wall_s\`), as the peers time it. CPU s = user+sys of the whole client process tree"
    echo "(\`/usr/bin/time -v\`: interpreter start-up, the curl peer's \`jq\` check and synthgen's wrapper bash + \`jq\` included). Ratios are to curl CLI:"
    echo "req/s ratio > 1 is faster than curl; CPU and RSS ratios < 1 use less than curl. synthgen runs with a fresh, empty response store"
    echo "each run (\`--cache\` in a temp dir: every answer is written to SQLite as in a default run, none is read back); the \`--no-cache\` row turns the store off."
    echo
    echo "| client | wall s | req/s (min–max) | CPU s | CPU µs/req | peak RSS MiB | server CPU s | req/s ÷ curl | CPU/req ÷ curl | RSS ÷ curl |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    cref=$(median ovh curl "$ovh_n" "$ovh_c" 8)
    IFS=$'\t' read -r _ _ _ _ _ _ _ c_rps c_cpu c_rss _ _ _ _ <<< "${cref:-}"
    for k in "${ovh_keys[@]}"; do
      rec=$(median ovh "$k" "$ovh_n" "$ovh_c" 8)
      if [ -z "$rec" ]; then echo "| ${label[$k]} | failed | | | | | | | | |"; continue; fi
      IFS=$'\t' read -r _ _ _ _ _ _ wall rps cpu rss scpu bcpu brss whole <<< "$rec"
      echo "| ${label[$k]} | $(f "$wall" %.2f) | $(f "$rps" %.0f) ($(spread ovh "$k" "$ovh_n" "$ovh_c" 8)) | $(f "$cpu" %.2f) |" \
           "$(awk -v c="$cpu" -v n="$ovh_n" 'BEGIN { printf "%.1f", c * 1e6 / n }') | $(f "$rss" %.1f) | $(f "$scpu" %.2f) |" \
           "$(ratio "$rps" "${c_rps:-}") | $(ratio "$cpu" "${c_cpu:-}") | $(ratio "$rss" "${c_rss:-}") |"
      if [ "$k" = synthgen ]; then syn_rec=$rec; fi
    done
    if [ -n "${syn_rec:-}" ]; then
      IFS=$'\t' read -r _ _ _ _ _ _ wall rps cpu rss scpu bcpu brss whole <<< "$syn_rec"
      echo
      echo "synthgen binary alone (same median run, without the wrapper's bash + jq): CPU $(f "$bcpu" %.3f) s" \
           "= $(awk -v c="$bcpu" -v n="$ovh_n" 'BEGIN { if (c == "-") print "-"; else printf "%.1f", c * 1e6 / n }') µs/request" \
           "($(ratio "$bcpu" "${c_cpu:-}") × curl's tree), peak RSS $(f "$brss" %.1f) MiB; whole run (rows loaded, files written)" \
           "$(f "$whole" %.3f) s wall vs $(f "$wall" %.3f) s for the requests."
    fi
  else
    skipped "1. Client overhead"
  fi
  echo
  if want 2; then
    echo "## 2. Latency hiding: latency $lat_ms ms; floor = ceil(N / C) × $(awk -v l="$lat_ms" 'BEGIN { print l / 1000 }') s"
    echo
    echo "Median of $lat_repeat by wall. \"over floor\" = (wall − floor) / floor. curl CLI caps \`--parallel-max\` at 300, so its floor at C = 512 is"
    echo "computed with C = 300 (marked ¹)."
    echo
    hdr="| client |" sep="|---|"
    for r in "${lat_runs[@]}"; do read -r n c <<< "$r"; hdr+=" N=$n C=$c: wall s (over floor) |"; sep+="---:|"; done
    hdr+=" CPU s at the last |"; sep+="---:|"
    echo "$hdr"; echo "$sep"
    row="| floor |"
    for r in "${lat_runs[@]}"; do read -r n c <<< "$r"; row+=" $(awk -v n="$n" -v c="$c" -v l="$lat_ms" 'BEGIN { printf "%.2f", int((n + c - 1) / c) * l / 1000 }') |"; done
    echo "$row |"
    for k in "${lat_keys[@]}"; do
      row="| ${label[$k]} |"
      cpu_last=-
      for r in "${lat_runs[@]}"; do
        read -r n c <<< "$r"
        rec=$(median lat "$k" "$n" "$c" 7)
        if [ -z "$rec" ]; then row+=" failed |"; continue; fi
        IFS=$'\t' read -r _ _ _ _ _ _ wall rps cpu rss _ _ _ _ <<< "$rec"
        ce=$c mark=""
        if [ "$k" = curl ] && [ "$c" -gt 300 ]; then ce=300 mark="¹"; fi
        row+=" $(awk -v w="$wall" -v n="$n" -v c="$ce" -v l="$lat_ms" -v m="$mark" 'BEGIN { fl = int((n + c - 1) / c) * l / 1000
                   printf "%.2f (%+.1f %%%s)", w, (w - fl) / fl * 100, m }') |"
        cpu_last=$cpu
      done
      echo "$row $(f "$cpu_last" %.2f) |"
    done
  else
    skipped "2. Latency hiding"
  fi
  echo
  if want 3; then
    echo "## 3. Memory: synthgen peak RSS by rows (latency 0, concurrency $mem_c, one request per row)"
    echo
    echo "| rows | pages on disk MiB | peak RSS MiB (binary) | RSS min–max | request wall s | whole run wall s | CPU s (binary) |"
    echo "|---:|---:|---:|---:|---:|---:|---:|"
    declare -A mem_rss=()
    for n in "${mem_sizes[@]}"; do
      rec=$(median mem synthgen "$n" "$mem_c" 13)
      pages_mib=$(du -sm "$PAGES_DIR/synthetic_$n" | cut -f1)
      if [ -z "$rec" ]; then echo "| $n | $pages_mib | failed | | | | |"; continue; fi
      IFS=$'\t' read -r _ _ _ _ _ _ wall rps cpu rss scpu bcpu brss whole <<< "$rec"
      mem_rss[$n]=$brss
      echo "| $n | $pages_mib | $(f "$brss" %.1f) | $(spread mem synthgen "$n" "$mem_c" 13) | $(f "$wall" %.2f) | $(f "$whole" %.2f) | $(f "$bcpu" %.2f) |"
    done
    n0=${mem_sizes[0]} n1=${mem_sizes[1]}
    if [ -n "${mem_rss[$n0]:-}" ] && [ -n "${mem_rss[$n1]:-}" ]; then
      echo
      echo "Growth: $(awk -v a="${mem_rss[$n0]}" -v b="${mem_rss[$n1]}" -v n0="$n0" -v n1="$n1" 'BEGIN {
        printf "%.1f MiB more for %d more rows = %.0f bytes per row; RSS ratio %d rows / %d rows = %.1f", b - a, n1 - n0, (b - a) * 1048576 / (n1 - n0), n1, n0, b / a }')."
    fi
  else
    skipped "3. Memory"
  fi
  echo
  if want 4; then
    echo "## 4. Start-up: \`--version\` ($su_how, $start_runs runs after 5 warm-up)"
    echo
    echo "| command | mean ms | sd ms | min ms | peak RSS MiB |"
    echo "|---|---:|---:|---:|---:|"
    echo "| synthgen --version | $(f "$su_mean" %.2f) | $(f "$su_sd" %.2f) | $(f "$su_min" %.2f) | $(awk -v r="$su_rss" 'BEGIN { printf "%.1f", r / 1024 }') |"
    echo "| curl --version | $(f "$cu_mean" %.2f) | $(f "$cu_sd" %.2f) | $(f "$cu_min" %.2f) | $(awk -v r="$cu_rss" 'BEGIN { printf "%.1f", r / 1024 }') |"
    echo
    echo "synthgen ÷ curl: $(ratio "$su_mean" "$cu_mean") (mean)."
  else
    skipped "4. Start-up"
  fi
  echo
  if want 4b; then
    echo "## 4b. Rerun from the store: all $pb_rows rows × 3 votes again, every answer in the response store"
    echo
    if [ -z "$rr_fill" ]; then
      echo "Failed: the run that fills the store did not finish (see the log)."
    else
      IFS=$'\t' read -r f_req f_skip _ _ <<< "$rr_fill"
      echo "The main job (\`synthgen --subset sentences_allagree --prompt cot --votes 3 --concurrency 64\` and the fake's URLs; early stop on, the"
      echo "default) ran once against the project's fake at latency 0 with a fresh response store and download cache (\`XDG_CACHE_HOME\` in a temp"
      echo "dir, the default store path under it): $f_req requests sent, $f_skip votes skipped by early stop. Then the identical command again,"
      echo "timed ($rr_how), every answer from the store. The \`--offline\` row is the same with \`--offline\` added."
      echo
      echo "| command | mean s | sd s | min s | max s | requests | cached | cached + skipped |"
      echo "|---|---:|---:|---:|---:|---:|---:|---:|"
      for v in plain offline; do
        read -r m sd lo hi <<< "${rr_t[$v]:-}"
        c=$rr_check name="the identical command"
        if [ "$v" = offline ]; then c=$rr_check_off name="the same with \`--offline\`"; fi
        IFS=$'\t' read -r r_req r_skip _ r_cached _ <<< "$c"
        echo "| $name | $(f "${m:-}" %.3f) | $(f "${sd:-}" %.3f) | $(f "${lo:-}" %.3f) | $(f "${hi:-}" %.3f) | ${r_req:-?} | ${r_cached:-?} | $(( ${r_cached:-0} + ${r_skip:-0} )) |"
      done
      read -r m _ <<< "${rr_t[plain]:-}"
      echo
      echo "Target 4b (identical rerun under 0.5 s): $(awk -v m="${m:-}" 'BEGIN { if (m == "") print "not measured (failed)"; else if (m < 0.5) printf "met, mean %.3f s", m; else printf "NOT met, mean %.3f s", m }')."
      if [ -n "$rr_stats" ]; then
        read -r s_rows s_zip s_cdn s_chat < <(jq -r '"\(.rows) \(.zip) \(.cdn) \(.chat)"' <<< "$rr_stats")
        read -r o_rows o_zip o_cdn o_chat < <(jq -r '"\(.rows) \(.zip) \(.cdn) \(.chat)"' <<< "${rr_stats_off:-{\}}")
        if [ $((s_zip + s_cdn)) -gt 0 ]; then where="the fake's Hub zip again, as the first run did"
        elif [ "$s_rows" -gt 0 ]; then where="the fake's dataset viewer (\`/rows\`) again"
        else where="the download cache, without the network"; fi
        echo
        echo "Where the rerun's rows come from: $where (the fake saw, for one identical rerun, $s_rows \`/rows\` request(s) (answered 501 as"
        echo "the real viewer does for this dataset), $s_zip Hub zip request(s), $s_cdn CDN download(s) and $s_chat inference requests)."
        echo "The download cache (\`\$XDG_CACHE_HOME/synthgen/datasets\`, written by the first run) is read instead with \`--offline\`:"
        echo "$o_rows \`/rows\`, $o_zip zip, $o_cdn CDN and $o_chat inference requests."
      fi
      echo
      if [ -z "$rr_fail" ]; then
        echo "Checks: every rerun sent 0 requests, took all $f_req answers from the store (cached + skipped = $(job_votes)) and wrote a training CSV byte-identical to the first run's."
      else
        echo "Checks FAILED: $rr_fail"
      fi
    fi
  else
    skipped "4b. Rerun from the store"
  fi
  echo
  if want 5; then
    echo "## 5. Early stop: all $pb_rows rows, \`--prompt cot --votes 3\`, model latency $es_lat_ms ms, concurrency 64"
    echo
    if [ "$es_ok" != 1 ]; then
      echo "Failed: the fake did not start (see the log)."
    else
      echo "The project's fake answers every vote with the row's gold label in the cot JSON format, flipped to one of the other two labels for"
      echo "a fraction $es_flip of the (sentence, seed) pairs, deterministically: both runs get the same answer to the same vote. Each answer"
      echo "comes after $es_lat_ms ms, so the request phase waits on the model, as with a real one (which takes longer still). Each run has a fresh"
      echo "response store (\`--cache\` in a temp dir) and download cache. $repeat run(s) each way, interleaved; wall = the median run's (min–max)."
      echo "floor = ceil(requests / 64) × $es_lat_ms ms, the least any client could take for those requests."
      echo
      echo "| run | requests | votes skipped | request wall s (min–max) | floor s | whole run s | synthgen CPU s | fake CPU s | accuracy | macro-F1 |"
      echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      declare -A es_rec=()
      for mode in early full; do
        es_rec[$mode]=$(es_median "$mode")
        name="\`--early-stop\` (default)"; [ "$mode" = early ] || name="\`--no-early-stop\`"
        if [ -z "${es_rec[$mode]}" ]; then echo "| $name | failed | | | | | | | | |"; continue; fi
        IFS=$'\t' read -r _ _ _ req skip _ _ _ rwall wall cpu _ fcpu acc f1 _ <<< "${es_rec[$mode]}"
        echo "| $name | $req | $skip | $(f "$rwall" %.2f) ($(es_spread "$mode" 9)) |" \
             "$(awk -v n="$req" -v l="$es_lat_ms" 'BEGIN { printf "%.2f", int((n + 63) / 64) * l / 1000 }') | $(f "$wall" %.2f) |" \
             "$(f "$cpu" %.2f) | $(f "$fcpu" %.2f) | $(f "$acc" %.4f) | $(f "$f1" %.4f) |"
      done
      if [ -n "${es_rec[early]}" ] && [ -n "${es_rec[full]}" ]; then
        IFS=$'\t' read -r _ _ _ e_req e_skip _ _ _ e_rwall e_wall _ <<< "${es_rec[early]}"
        IFS=$'\t' read -r _ _ _ a_req _ _ _ _ a_rwall a_wall _ <<< "${es_rec[full]}"
        nfail=$(awk -F'\t' '$3 != "ok"' "$es_runs" | wc -l)
        nsha=$(awk -F'\t' '$3 == "ok" { print $16 }' "$es_runs" | sort -u | wc -l)
        nreq=$(awk -F'\t' '$3 == "ok" { print $2, $4 }' "$es_runs" | sort -u | wc -l)
        same=no; [ "$nsha" = 1 ] && same=yes
        echo
        echo "Requests sent: $e_req with early stop, $a_req without; ratio $(awk -v a="$e_req" -v b="$a_req" 'BEGIN { printf "%.3f (%.1f %% fewer)", a / b, (1 - a / b) * 100 }')."
        echo "Request wall: $(f "$e_rwall" %.2f) s with early stop, $(f "$a_rwall" %.2f) s without; ratio $(ratio "$e_rwall" "$a_rwall") (whole runs: $(ratio "$e_wall" "$a_wall"))."
        echo
        echo "same labels: $same$( [ "$same" = yes ] && echo " (every training CSV, both ways$( [ "$repeat" -gt 1 ] && echo ', every run'), byte-identical)" || echo " ($nsha different training CSVs)")$( [ "$nfail" = 0 ] || echo "; $nfail run(s) failed")."
        [ "$nreq" = 2 ] || echo "The request counts differ between repeats of the same mode ($nreq distinct mode/count pairs): not deterministic?"
        echo
        echo "Why not a third fewer: with 3 votes, early stop saves the third vote of a row exactly when its first two agree. Here they agreed on"
        echo "$e_skip of $pb_rows rows ($(awk -v a="$e_skip" -v n="$pb_rows" 'BEGIN { printf "%.1f %%", a / n * 100 }'); expected with a flip rate p per vote: (1 − p)² + p²/2 = $(awk -v p="$es_flip" 'BEGIN { printf "%.1f %%", ((1 - p) ^ 2 + p * p / 2) * 100 }')), so the run sent"
        echo "$(awk -v r="$e_req" -v n="$pb_rows" 'BEGIN { printf "%.3f", r / n }') requests per row instead of 3. The saving is (first-two agreement) / 3: 30 % at 90 % agreement, a full third only if"
        echo "every row's first two votes agree. Rows are scheduled two votes first and a third only when those differ, so the wall time follows the"
        echo "request count when the model's latency dominates."
      fi
    fi
  else
    skipped "5. Early stop"
  fi
  echo
  if want 6; then
    echo "## 6. Instructions per request (callgrind, latency 0, concurrency $cg_c)"
    echo
    if [ "$cg_ok" = 1 ]; then
      echo "Ir = instructions executed by the client process (all of it: start-up, for synthgen also loading the rows and writing the files)."
      echo "Marginal = (Ir($cg_big) − Ir($cg_small)) / $((cg_big - cg_small)): the cost of one more request, start-up and fixed costs removed."
      echo "curl runs the command line of \`peers/curl_parallel.sh\` (without its \`jq\` check)."
      echo
      echo "| client | Ir at $cg_small | Ir at $cg_big | Ir / request at $cg_big | marginal Ir / request |"
      echo "|---|---:|---:|---:|---:|"
      for name in synthgen curl; do
        a=${ir[$name,$cg_small]:-0} b=${ir[$name,$cg_big]:-0}
        awk -v nm="$name" -v a="$a" -v b="$b" -v s="$cg_small" -v g="$cg_big" 'BEGIN {
          if (a == 0 || b == 0) { printf "| %s | failed | | | |\n", nm; exit }
          printf "| %s | %.1f M | %.1f M | %.0f | %.0f |\n", nm, a / 1e6, b / 1e6, b / g, (b - a) / (g - s) }'
      done
      sa=${ir[synthgen,$cg_small]:-0} sb=${ir[synthgen,$cg_big]:-0} ca=${ir[curl,$cg_small]:-0} cb=${ir[curl,$cg_big]:-0}
      echo
      echo "synthgen ÷ curl: $(awk -v sa="$sa" -v sb="$sb" -v ca="$ca" -v cb="$cb" -v s="$cg_small" -v g="$cg_big" 'BEGIN {
        if (sa * sb * ca * cb == 0) { print "-"; exit }
        printf "%.2f per request at %d, %.2f marginal", (sb / g) / (cb / g), g, (sb - sa) / (cb - ca) }')."
      echo
      if [ -s "$cg_baseline" ]; then
        echo "Against the kept baseline (\`bench/results/callgrind-baseline.txt\`: $(cg_base date), commit $(cg_base commit), at $(cg_base n_big)/$(cg_base n_small) requests;"
        echo "\`bench/callgrind.sh\` measures synthgen's figure alone in about a minute):"
        echo
        echo "| client | marginal Ir / request now | baseline | now ÷ baseline |"
        echo "|---|---:|---:|---:|"
        for name in synthgen curl; do
          a=${ir[$name,$cg_small]:-0} b=${ir[$name,$cg_big]:-0} base=$(cg_base "${name}_marginal_ir" || true)
          awk -v nm="$name" -v a="$a" -v b="$b" -v s="$cg_small" -v g="$cg_big" -v base="$base" 'BEGIN {
            m = (a == 0 || b == 0) ? "" : (b - a) / (g - s)
            printf "| %s | %s | %s | %s |\n", nm, (m == "" ? "failed" : sprintf("%.0f", m)), (base == "" ? "-" : base),
                   (m == "" || base == "" ? "-" : sprintf("%.3f", m / base)) }'
        done
        echo
        echo "curl's ratio shows how far the measurement itself moved (same curl, same valgrind): synthgen's ratio beyond it is the change's."
        [ "$cg_big/$cg_small" = "$(cg_base n_big)/$(cg_base n_small)" ] \
          || echo "This run used $cg_big/$cg_small requests (QUICK), the baseline $(cg_base n_big)/$(cg_base n_small): the marginal figures differ somewhat for that alone."
      else
        echo "No kept baseline (\`bench/results/callgrind-baseline.txt\`): write one with \`WRITE_BASELINE=1 bash bench/callgrind.sh\`."
      fi
      if [ -s "$tmp/cg_top_self" ]; then
        echo
        echo "<details><summary>synthgen, $cg_big requests: top functions by self Ir (callgrind_annotate)</summary>"
        echo
        echo '```'
        cat "$tmp/cg_top_self"
        echo '```'
        echo
        echo "By inclusive Ir:"
        echo
        echo '```'
        cat "$tmp/cg_top_incl"
        echo '```'
        echo
        echo "Unnamed addresses in libcrypto.so.3 (no symbols there) are OpenSSL's SHA-256 block function, reached through"
        echo "\`EVP_Digest\` from \`make_store_key\` (the response store's key); valgrind hides the CPU's SHA extensions, so this"
        echo "weighs less on the real CPU (perf: ≈ 4 % of synthgen's CPU for the whole key, not ≈ 17 %)."
        echo "</details>"
      fi
    else
      echo "Skipped: no valgrind."
    fi
  else
    skipped "6. Instructions per request"
  fi

  fails=$(awk -F'\t' '$6 != "ok"' "$runs" | wc -l)
  echo
  echo "Runs: $(wc -l < "$runs"), failed: $fails$( [ "$fails" -eq 0 ] || { echo ' ('; awk -F'\t' '$6 != "ok" { printf "%s %s n=%s c=%s rep %s; ", $1, $2, $3, $4, $5 }' "$runs"; echo ')'; })."
} > "$tmp/report.md"

mkdir -p "$(dirname "$out_md")"
cp "$tmp/report.md" "$out_md"
{ printf 'test\tkey\tn\tc\trep\tstatus\twall_s\treq_per_s\tcpu_s\trss_mib\tserver_cpu_s\tbin_cpu_s\tbin_rss_mib\twhole_wall_s\n'; cat "$runs"; } \
  > "${out_md%.md}-runs.tsv"
cat "$tmp/report.md"
log "written $out_md and ${out_md%.md}-runs.tsv"
