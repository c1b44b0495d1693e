#!/usr/bin/env bash
# Usage: synthgen_peer.sh URL TOTAL CONCURRENCY   (URL = API base, e.g. http://127.0.0.1:18080/v1)
#
# synthgen as one more peer of ../shared/bench (same interface and output line as peers/*):
# runs the whole synthgen pipeline (load rows from /rows, prompt, ask, parse, vote, write the CSV
# and the metrics JSON) on the fake's pages config `synthetic_TOTAL`, one request per row
# (--votes 1 --prompt simple), CONCURRENCY in flight, every endpoint on URL's host:port.
#
# The caller must have made those pages in the fake's PAGES_DIR before starting it, e.g.
#   python3 ../shared/bench/server/make_pages.py --synthetic 20000 --out "$PAGES_DIR"
# (config synthetic_20000; the dataset id is ignored by the fake, and bench/synthetic is used so
# that synthgen never tries its Financial PhraseBank zip fallback).
#
# Checks that every request succeeded and was answered `positive` (failed_requests == 0,
# invalid answers == 0, rows == labeled == TOTAL, TOTAL rows labeled positive), then prints
#   peer=synthgen requests=N ok=N concurrency=C wall_s=S req_per_s=R
# where wall_s is the metrics' request_wall_s (the request phase alone, what the peers time).
# Exits non-zero when a check fails (or synthgen does).
#
# Env: SYNTHGEN = binary (default: build/synthgen of this repository);
#      SYNTHGEN_PEER_TIME = file: run synthgen under `/usr/bin/time -v -o FILE` (the binary alone,
#      without this wrapper's bash/jq), for callers that want both figures;
#      SYNTHGEN_PEER_METRICS = file: copy synthgen's metrics JSON there;
#      SYNTHGEN_PEER_CACHE = fresh (default): a new, empty response store (--cache) in the temp dir
#      for each run, so every request goes to the server and every answer is stored as in a default
#      run; none: --no-cache (neither read nor write the store). Binaries without --cache get neither.
# The user's own response store (~/.cache/synthgen) is never read or written (XDG_CACHE_HOME=temp),
# nor the user's config file (XDG_CONFIG_HOME=temp; ./synthgen.toml: the cwd is the temp dir).
# Runs in a temp dir (so no ./.env is read) with every SYNTHGEN_<OPTION> variable unset.
set -euo pipefail
url=${1:?usage: synthgen_peer.sh URL TOTAL CONCURRENCY}
total=${2:?usage: synthgen_peer.sh URL TOTAL CONCURRENCY}
conc=${3:?usage: synthgen_peer.sh URL TOTAL CONCURRENCY}
here=$(cd "$(dirname "$0")" && pwd)
bin=${SYNTHGEN:-$here/../build/synthgen}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
[ -x "$bin" ] || { echo "synthgen_peer.sh: no synthgen binary at $bin (set SYNTHGEN or run scripts/build.sh)" >&2; exit 2; }
timefile=${SYNTHGEN_PEER_TIME:-}
metricsfile=${SYNTHGEN_PEER_METRICS:-}
cache_mode=${SYNTHGEN_PEER_CACHE:-fresh}
case "$cache_mode" in fresh|none) ;; *) echo "synthgen_peer.sh: SYNTHGEN_PEER_CACHE must be fresh or none" >&2; exit 2 ;; esac
[ -z "$timefile" ] || case "$timefile" in /*) ;; *) timefile=$PWD/$timefile ;; esac
[ -z "$metricsfile" ] || case "$metricsfile" in /*) ;; *) metricsfile=$PWD/$metricsfile ;; esac

url=${url%/}
origin=$(sed -E 's#^(https?://[^/]+).*#\1#' <<<"$url")   # datasets-server and hub on the same server

tmp=$(mktemp -d /tmp/synthgen-peer.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for v in $(compgen -e); do case "$v" in SYNTHGEN_*) unset "$v" ;; esac; done
cd "$tmp"
export XDG_CACHE_HOME=$tmp/xdg-cache XDG_CONFIG_HOME=$tmp/xdg-config   # no user store, no user config.toml
store=()
if "$bin" --help 2>/dev/null | grep -q -- '--no-cache'; then
  if [ "$cache_mode" = none ]; then store=(--no-cache); else store=(--cache "$tmp/responses.sqlite3"); fi
fi

cmd=("$bin" --subset "synthetic_$total" --dataset bench/synthetic --split train
     --prompt simple --votes 1 --n-sample 0 --api openai --parser strict
     --concurrency "$conc" --endpoint "$url" --datasets-server "$origin" --hub-endpoint "$origin"
     --output "$tmp/out.csv" --metrics-json "$tmp/m.json" --quiet --no-report ${store[@]+"${store[@]}"})
rc=0
if [ -n "$timefile" ]; then
  /usr/bin/time -v -o "$timefile" "${cmd[@]}" || rc=$?
else
  "${cmd[@]}" || rc=$?
fi
if [ "$rc" -ne 0 ] || [ ! -s "$tmp/m.json" ]; then
  echo "synthgen_peer.sh: synthgen exited $rc$([ "$rc" -eq 3 ] && echo " (does the server's PAGES_DIR have pages synthetic_$total? see the header of this script)")" >&2
  printf 'peer=synthgen requests=0 ok=0 concurrency=%d wall_s=0.000 req_per_s=0.0\n' "$conc"
  exit 1
fi

[ -z "$metricsfile" ] || cp "$tmp/m.json" "$metricsfile"

# requests failed invalid retries cached rows labeled positive request_wall_s
read -r n failed invalid retries cached rows labeled positive wall < <(jq -r '
  [ .requests, .failed_requests, (.invalid_answers // 0), (.retries // 0), (.cached // 0), .rows, .labeled,
    ([.confusion[][(.labels | index("positive"))]] | add // 0), .request_wall_s ] | @tsv' "$tmp/m.json")
ok=$(( n - failed - invalid ))
awk -v n="$n" -v ok="$ok" -v c="$conc" -v w="$wall" 'BEGIN {
  printf "peer=synthgen requests=%d ok=%d concurrency=%d wall_s=%.3f req_per_s=%.1f\n", n, ok, c, w, (w > 0 ? n / w : 0) }'

bad=""
[ "$failed" -eq 0 ] || bad+=" failed_requests=$failed"
[ "$invalid" -eq 0 ] || bad+=" invalid_answers=$invalid"
[ "$retries" -eq 0 ] || bad+=" retries=$retries"
[ "$cached" -eq 0 ] || bad+=" cached=$cached"
[ "$n" -eq "$total" ] || bad+=" requests=$n"
[ "$rows" -eq "$total" ] || bad+=" rows=$rows"
[ "$labeled" -eq "$total" ] || bad+=" labeled=$labeled"
[ "$positive" -eq "$total" ] || bad+=" labeled_positive=$positive"
if [ -n "$bad" ]; then
  echo "synthgen_peer.sh: expected $total of each, got:$bad" >&2
  exit 1
fi
