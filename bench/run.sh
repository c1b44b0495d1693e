#!/usr/bin/env bash
# Usage: bench/run.sh        (see bench/README.md)
# Env: REPEAT=3 (runs per figure, median), LAT_REPEAT=$REPEAT (runs per latency-hiding figure),
#      QUICK=1 (smaller and fewer runs: a smoke test), SKIP_PEERS=1 (synthgen, curl CLI and wrk only),
#      PORT=18180 (first port tried; the next 19 are tried too), SYNTHGEN=build/synthgen,
#      SHARED_BENCH=../shared/bench, OUT_MD=bench/results/latest.md, RUN_TIMEOUT=900 (s per run),
#      NO_INSTALL=1 (do not apt-get / npm anything; fail or skip instead).
#
# Starts the shared loopback nginx fake (../shared/bench/server/start.sh) and runs synthgen
# (bench/synthgen_peer.sh) beside the shared peers on the same work, then prints Markdown tables
# and writes them to $OUT_MD:
#   1. client overhead: latency 0, 20000 requests, concurrency 64 (req/s, CPU, peak RSS, ratios to curl)
#   2. latency hiding:  latency 200 ms, 300 requests at C = 1, 16, 64 and 20000 at C = 512 (wall vs floor)
#   3. memory:          synthgen peak RSS for 20000 and 1,000,000 rows
#   4. start-up:        `synthgen --version` vs `curl --version` (hyperfine, else a loop of 100)
#   6. instructions:    callgrind Ir per request, synthgen vs curl CLI
# Only 127.0.0.1 is ever sent a request. nginx is stopped on exit, whatever happens.
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
out_md=${OUT_MD:-$here/results/latest.md}
export SYNTHGEN=${SYNTHGEN:-$repo/build/synthgen}

case "$repeat$lat_repeat" in *[!0-9]*) echo "REPEAT and LAT_REPEAT must be whole numbers" >&2; exit 2 ;; esac
[ "$repeat" -ge 1 ] && [ "$repeat" -le 50 ] && [ "$lat_repeat" -ge 1 ] && [ "$lat_repeat" -le 50 ] \
  || { echo "REPEAT and LAT_REPEAT must be in 1..50" >&2; exit 2; }

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
cleanup() { stop_server; rm -rf "$tmp"; }
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
for tool in nginx wrk jq curl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install it)" >&2; exit 1; }
done
[ -e /usr/lib/nginx/modules/ngx_http_echo_module.so ] || { echo "missing libnginx-mod-http-echo" >&2; exit 1; }

# python for the requests peers: python3 on PATH if it has requests, else Debian's
py_req=python3
python3 -c 'import requests' 2>/dev/null || py_req=/usr/bin/python3

if [ "$skip_peers" != 1 ]; then
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
syn_commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')
git -C "$repo" diff --quiet HEAD -- src include CMakeLists.txt cmake config 2>/dev/null || syn_commit+=" + uncommitted changes in src/include/config"
syn_when=$(date -u -r "$syn_src" +%Y-%m-%dT%H:%MZ)
mkdir -p "$tmp/bin"
cp "$syn_src" "$tmp/bin/synthgen"
export SYNTHGEN=$tmp/bin/synthgen
syn_sha=$(sha256sum "$SYNTHGEN" | cut -c1-12)
log "measuring a copy of $syn_src (built $syn_when, sha256 $syn_sha, tree at $syn_commit)"

# ---- pages (in the temp dir, never in shared/) ---------------------------------------------------
export PAGES_DIR=$tmp/pages
sizes=$( { echo "$ovh_n"; for r in "${lat_runs[@]}"; do echo "${r%% *}"; done; printf '%s\n' "${mem_sizes[@]}" "$cg_big" "$cg_small"; } | sort -un)
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
if [ "$skip_peers" != 1 ]; then
  add_peer node_openai "node openai SDK"                "node $cache/peers/node_openai/bench.mjs"
  add_peer node_hf     "node @huggingface/inference"    "node $cache/peers/node_hf_inference/bench.mjs"
  add_peer py_req      "python requests.post + threads" "$py_req $shared/peers/python_requests_threads.py"
  add_peer py_session  "python requests.Session/thread" "$py_req $shared/peers/python_requests_threads.py --session"
  add_peer py_aiohttp  "python aiohttp + Semaphore"     "/usr/bin/python3 $shared/peers/python_aiohttp.py"
  lat_keys+=(node_openai node_hf py_req py_session py_aiohttp)
  ovh_keys+=(node_openai node_hf py_req py_session py_aiohttp)
fi

# ---- server --------------------------------------------------------------------------------------
port=""
for p in $(seq "${PORT:-18180}" "$(( ${PORT:-18180} + 19 ))"); do
  if ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/" && ! ss -ltnH "sport = :$p" 2>/dev/null | grep -q .; then port=$p; break; fi
done
[ -n "$port" ] || { echo "no free port in ${PORT:-18180}..+19" >&2; exit 1; }
url=http://127.0.0.1:$port/v1

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
log "start-up: --version x $start_runs"
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
read -r su_mean su_sd su_min su_how < <(startup synthgen "$SYNTHGEN" --version)
read -r cu_mean cu_sd cu_min _ < <(startup curl "$(command -v curl)" --version)
su_rss=$(/usr/bin/time -f %M "$SYNTHGEN" --version 2>&1 >/dev/null | tail -1)
cu_rss=$(/usr/bin/time -f %M curl --version 2>&1 >/dev/null | tail -1)

# =================================================================================================
# latency 0: 1. overhead, 3. memory, 6. callgrind
start_server 0

log "1. overhead: latency 0, $ovh_n requests, C=$ovh_c, $repeat run(s) each, interleaved"
for rep in $(seq "$repeat"); do
  for k in "${ovh_keys[@]}"; do measure ovh "$k" "$ovh_n" "$ovh_c" "$rep"; done
done

log "3. memory: synthgen at ${mem_sizes[*]} rows, C=$mem_c"
for rep in $(seq "$repeat"); do
  for n in "${mem_sizes[@]}"; do measure mem synthgen "$n" "$mem_c" "$rep"; done
done

cg_ok=0
if command -v valgrind >/dev/null; then
  log "6. callgrind: synthgen and curl at $cg_small and $cg_big requests, C=$cg_c"
  cg_ok=1
  callgrind() {  # callgrind NAME N -> total Ir (prints 0 on failure)
    local name=$1 n=$2 f=$tmp/cg_$1_$2.out rc=0
    if [ "$name" = synthgen ]; then
      mkdir -p "$tmp/cgrun"
      rm -rf "$tmp/cgrun/store.sqlite3" "$tmp/cgrun/xdg"
      (cd "$tmp/cgrun" && for v in $(compgen -e); do case "$v" in SYNTHGEN_*) unset "$v" ;; esac; done &&
        XDG_CACHE_HOME=$tmp/cgrun/xdg XDG_CONFIG_HOME=$tmp/cgrun/xdg timeout -k 10 "$run_timeout" valgrind --tool=callgrind --callgrind-out-file="$f" -q "$SYNTHGEN" \
          --subset "synthetic_$n" --dataset bench/synthetic --prompt simple --votes 1 --concurrency "$cg_c" \
          --endpoint "$url" --datasets-server "${url%/v1}" --hub-endpoint "${url%/v1}" \
          --output "$tmp/cgrun/out.csv" --metrics-json "$tmp/cgrun/m.json" --quiet --no-report "${cg_store[@]}") >&2 || rc=$?
      [ "$rc" -eq 0 ] && [ "$(jq '.failed_requests' "$tmp/cgrun/m.json")" = 0 ] \
        && [ "$(jq '.requests' "$tmp/cgrun/m.json")" = "$n" ] || rc=1
    else   # the same command line as shared/bench/peers/curl_parallel.sh
      { echo 'header = "Content-Type: application/json"'
        echo 'header = "Authorization: Bearer bench"'
        echo "data-binary = \"@$shared/peers/chat_body.json\""
        awk -v n="$n" -v u="$url/chat/completions" 'BEGIN { for (i = 0; i < n; i++) printf "url = \"%s\"\n", u }'
      } > "$tmp/curl_cg.cfg"
      timeout -k 10 "$run_timeout" valgrind --tool=callgrind --callgrind-out-file="$f" -q \
        curl -sS --no-progress-meter --fail --parallel --parallel-immediate --parallel-max "$cg_c" -K "$tmp/curl_cg.cfg" \
        > "$tmp/curl_cg.json" || rc=$?
      [ "$rc" -eq 0 ] && [ "$(jq -r '.choices[0].message.content' "$tmp/curl_cg.json" | grep -cx positive)" = "$n" ] || rc=1
    fi
    if [ "$rc" -ne 0 ] || [ ! -s "$f" ]; then log "  callgrind $name $n FAILED"; echo 0; return; fi
    awk '/^(summary|totals):/ { print $2; exit }' "$f"
  }
  cg_store=()   # a fresh, empty response store per run (the default pipeline, no cache hits)
  "$SYNTHGEN" --help | grep -q -- --no-cache && cg_store=(--cache "$tmp/cgrun/store.sqlite3")
  # callgrind_annotate lines, readable: template arguments folded to <...>, nlohmann's ABI namespace and
  # the std::__cxx11 string spelled short, source paths dropped (the object is kept), 200 columns at most
  shorten() {
    perl -pe 's/std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >/std::string/g;
              s/json_abi_v3_11_2:://g; 1 while s/<[^<>]*>/\x01\x02/g; s/\x01\x02/<...>/g;
              s/(\)\s+)[^\s:]+:(?=[^\s:])/$1/; s#\[/tmp/synthgen-bench\.[^/\]]+/bin/synthgen\]#[synthgen]#g' | cut -c1-200
  }
  declare -A ir
  for name in synthgen curl; do
    for n in "$cg_small" "$cg_big"; do
      ir[$name,$n]=$(callgrind "$name" "$n")
      log "  $name n=$n: Ir=${ir[$name,$n]}"
    done
  done
  if [ -s "$tmp/cg_synthgen_$cg_big.out" ]; then
    callgrind_annotate --inclusive=no "$tmp/cg_synthgen_$cg_big.out" 2>/dev/null \
      | awk '/^-+$/ { d++ } d >= 3 && NF && $1 ~ /^[0-9,]+$/' | head -20 | shorten > "$tmp/cg_top_self" || true
    callgrind_annotate --inclusive=yes "$tmp/cg_synthgen_$cg_big.out" 2>/dev/null \
      | awk '/^-+$/ { d++ } d >= 3 && NF && $1 ~ /^[0-9,]+$/' | head -25 | shorten > "$tmp/cg_top_incl" || true
  fi
else
  log "6. callgrind: no valgrind, skipped"
fi
stop_server

# =================================================================================================
# 2. latency hiding
start_server "$lat_ms"
log "2. latency hiding: latency $lat_ms ms, runs ${lat_runs[*]/ /@}, $lat_repeat run(s) each"
for rep in $(seq "$lat_repeat"); do
  for r in "${lat_runs[@]}"; do
    read -r n c <<< "$r"
    for k in "${lat_keys[@]}"; do measure lat "$k" "$n" "$c" "$rep"; done
  done
done
stop_server

# =================================================================================================
# report
f() { awk -v x="$1" -v fmt="$2" 'BEGIN { if (x == "" || x == "-") print "-"; else printf fmt, x }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

{
  echo "# synthgen bench $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "synthgen $("$SYNTHGEN" --version | awk '{print $NF}'): a copy of $syn_src taken at the start (built $syn_when, ${syn_build:-?} build," \
       "sha256 $syn_sha; the work tree was at $syn_commit)." \
       "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(uname -sr)."
  echo "Server: shared/bench nginx fake, nginx $(nginx -v 2>&1 | cut -d/ -f2) (1 worker), 127.0.0.1:$port. Clients: $(curl -V | head -1 | cut -d' ' -f1-2)$( [ "$skip_peers" = 1 ] || echo ", node $(node -v) + openai $(node -p "require('$cache/peers/node_openai/node_modules/openai/package.json').version") / @huggingface/inference $(node -p "require('$cache/peers/node_hf_inference/node_modules/@huggingface/inference/package.json').version"), $py_req $($py_req -c 'import platform, requests; print(platform.python_version(), "+ requests", requests.__version__)'), /usr/bin/python3 $(/usr/bin/python3 -c 'import platform, aiohttp; print(platform.python_version(), "+ aiohttp", aiohttp.__version__)')")."
  echo "Load average (1 min) at start $load0, at the end $(cut -d' ' -f1 /proc/loadavg): other work on these $(nproc) cores skews every figure."
  echo "Mode: REPEAT=$repeat, LAT_REPEAT=$lat_repeat$( [ "$quick" = 1 ] && echo ', QUICK=1 (smaller work: not the issue targets)')$( [ "$skip_peers" = 1 ] && echo ', SKIP_PEERS=1')." \
       "Runs are interleaved (each repeat runs every client once). Each figure is the median run (by req/s or wall), with the min–max over runs."
  echo
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

  echo
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

  echo
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

  echo
  echo "## 4. Start-up: \`--version\` ($su_how, $start_runs runs after 5 warm-up)"
  echo
  echo "| command | mean ms | sd ms | min ms | peak RSS MiB |"
  echo "|---|---:|---:|---:|---:|"
  echo "| synthgen --version | $(f "$su_mean" %.2f) | $(f "$su_sd" %.2f) | $(f "$su_min" %.2f) | $(awk -v r="$su_rss" 'BEGIN { printf "%.1f", r / 1024 }') |"
  echo "| curl --version | $(f "$cu_mean" %.2f) | $(f "$cu_sd" %.2f) | $(f "$cu_min" %.2f) | $(awk -v r="$cu_rss" 'BEGIN { printf "%.1f", r / 1024 }') |"
  echo
  echo "synthgen ÷ curl: $(ratio "$su_mean" "$cu_mean") (mean)."

  echo
  echo "## 5. Early stop"
  echo
  echo "Not measured yet (issue 5: later)."

  echo
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
