#!/usr/bin/env bash
# Soak: N more cases of the differential test (tests/integration/differential.py), drawn from SEED
# (default: the clock), with datasets of up to 3000 rows. Prints each case, and for a failure its
# seed and the command that replays it. Usage: scripts/soak.sh N [SEED]  (BUILD_DIR to change build/)
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:?usage: scripts/soak.sh N [SEED]}
seed=${2:-$(date +%s)}
binary=${BUILD_DIR:-build}/synthgen
[[ -x $binary ]] || { echo "soak: no $binary: run scripts/build.sh first" >&2; exit 2; }
# A copy, so that a rebuild while the soak runs does not pull the binary from under it.
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp "$binary" "$copy/synthgen"
echo "soak: $cases cases from seed $seed"
python3 tests/integration/differential.py --binary "$copy/synthgen" --cases "$cases" --seed "$seed" --max-rows 3000
