#!/usr/bin/env bash
# Builds the libFuzzer targets (preset fuzz, build-fuzz/) and runs each for SECONDS (default 20),
# as many at once as there are cores; prints each one's executions and coverage, fails on a crash.
# Usage: scripts/fuzz.sh [SECONDS]. New inputs collect in build-fuzz/runs/TARGET/corpus (kept between
# runs); the seeds in fuzz/corpus/TARGET are only read. A crash is saved as build-fuzz/runs/TARGET/crash-*.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2; }
scripts/install-fuzz-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_targets -j"$(nproc)" >/dev/null
build=build-fuzz
symbolizer=/usr/lib/llvm-16/bin/llvm-symbolizer
[ -x "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH=$symbolizer
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
mapfile -t targets <"$build/fuzz/targets.txt"

run_target() {
  local target=$1 dir="$build/runs/$1"
  mkdir -p "$dir/corpus"
  rm -f "$dir/rc"
  set +e
  "$build/fuzz/fuzz_$target" "$dir/corpus" "fuzz/corpus/$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 -artifact_prefix="$dir/" >"$dir/log" 2>&1
  echo $? >"$dir/rc"
}

jobs_max=$(nproc)
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
  run_target "$target" &
done
wait

failed=()
printf '%-20s %12s %8s %8s\n' target executions cov ft
for target in "${targets[@]}"; do
  dir="$build/runs/$target"
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$dir/log" | tail -1 || true)
  if [ "$(cat "$dir/rc" 2>/dev/null)" = 0 ] && [ -n "$done_line" ]; then
    read -r execs cov ft <<<"$(sed -E 's/^#([0-9]+).*cov: ([0-9]+) ft: ([0-9]+).*/\1 \2 \3/' <<<"$done_line")"
    printf '%-20s %12s %8s %8s\n' "$target" "$execs" "$cov" "$ft"
  else
    printf '%-20s %12s\n' "$target" "FAILED (exit $(cat "$dir/rc" 2>/dev/null || echo '?'))"
    failed+=("$target")
  fi
done
for target in "${failed[@]}"; do
  echo "--- fuzz_$target: last lines of $build/runs/$target/log ---" >&2
  tail -n 60 "$build/runs/$target/log" >&2
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2; exit 1; }
