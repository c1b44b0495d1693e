#!/usr/bin/env bash
# Installs what scripts/fuzz.sh and scripts/check-tidy.sh need on top of install-deps.sh: Clang 16,
# its libFuzzer/sanitizer runtimes, llvm-symbolizer and clang-tidy 16. Clang 14 and 15 cannot
# compile libstdc++ 12's std::expected (fuzz/CMakeLists.txt says why); 16 can.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
exec scripts/apt-install-missing.sh clang-16 libclang-rt-16-dev llvm-16 clang-tidy-16
