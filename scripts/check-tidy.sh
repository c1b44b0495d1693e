#!/usr/bin/env bash
# clang-tidy 16 over src/ with .clang-tidy; any finding fails. Clang 16 reads GCC's C++23 library
# with -std=c++2b and __cpp_concepts raised (P0848 is there, the macro lags; see fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-fuzz-deps.sh  # Clang 16's tools, clang-tidy-16 among them
[ -f build/compile_commands.json ] || scripts/build.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
run-clang-tidy-16 -p build -j "$(nproc)" -quiet -extra-arg=-std=c++2b -extra-arg=-U__cpp_concepts \
  -extra-arg=-D__cpp_concepts=202002L 'src/' >"$log" 2>&1 || status=$?
findings=$(grep -cE '(warning|error): ' "$log" || true)
if [ "$status" -ne 0 ] || [ "$findings" -ne 0 ]; then
  grep -E '(warning|error): ' "$log" | sort -u >&2 || tail -30 "$log" >&2
  echo "clang-tidy: $findings findings" >&2
  exit 1
fi
echo "clang-tidy: $(git ls-files 'src/*.cpp' | wc -l) files, 0 findings"
