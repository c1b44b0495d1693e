#!/usr/bin/env bash
# Builds everything with ASan+LSan+UBSan (preset asan, build-asan/) and runs every test; any sanitizer report fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$(nproc)"
ctest --preset asan -j"$(nproc)"
