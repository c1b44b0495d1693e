#!/usr/bin/env bash
# Fails when a C++ source is not formatted as .clang-format says (clang-format -i fixes it).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "clang-format is missing: apt-get install clang-format" >&2; exit 1; }
mapfile -t files < <(git ls-files 'src/*.cpp' 'include/*.hpp' 'tests/unit/*.cpp' 'fuzz/*.cpp' 'fuzz/*.hpp')
clang-format --dry-run --Werror "${files[@]}"
echo "clang-format: ${#files[@]} files formatted as .clang-format says"
