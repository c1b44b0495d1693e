#!/usr/bin/env bash
# clang-tidy 16 over src/ with .clang-tidy; any finding fails. Clang 16 reads GCC's C++23 library
# with -std=c++2b and __cpp_concepts raised (P0848 is there, the macro lags; see fuzz/README.md).
#
# A whole run takes about 15 CPU minutes (the analyzer's checks), so by default only what changed is
# checked: .ci/tidy-clean-at names a commit at which every file was checked clean, and a source file
# is checked again when it, or any project header it includes (from the build's .o.d dependency
# files), differs from that commit in the work tree. A change to .clang-tidy, a CMakeLists.txt or the
# commit not in this clone's history checks every file. TIDY_ALL=1 checks every file. `--mark-clean`
# checks as usual and, when clean, records HEAD there (commit the file): every file was clean at the
# old commit, and every file a change since could touch is clean now. It needs a work tree equal to
# HEAD. `--list` prints the files it would check, and checks none.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-fuzz-deps.sh  # Clang 16's tools, clang-tidy-16 among them
[ -f build/compile_commands.json ] || scripts/build.sh
mark=0
if [ "${1:-}" = --mark-clean ]; then
  mark=1
  git diff --quiet HEAD -- || { echo "check-tidy.sh --mark-clean: commit or stash your changes first" >&2; exit 2; }
fi
all_files() { git ls-files 'src/*.cpp'; }

# The files to check, one per line.
files_to_check() {
  local base
  base=$(tr -d '[:space:]' <.ci/tidy-clean-at 2>/dev/null || true)
  if [ "${TIDY_ALL:-0}" = 1 ] || [ -z "$base" ] || ! git cat-file -e "$base^{commit}" 2>/dev/null; then
    all_files
    return
  fi
  local changed
  changed=$( (git diff --name-only "$base" --; git ls-files --others --exclude-standard) | sort -u)
  if grep -qE '(^|/)(\.clang-tidy|CMakeLists\.txt)$' <<<"$changed"; then
    all_files
    return
  fi
  local file deps
  while read -r file; do
    deps=$(find build -path "*/${file}.o.d" -print -quit)
    if grep -qxF "$file" <<<"$changed"; then
      echo "$file"
    elif [ -z "$deps" ]; then
      echo "$file"  # no dependency list: check it rather than guess
    elif tr ' \\' '\n\n' <"$deps" | sed -n "s|^$(pwd)/||p" | grep -qxF -f <(grep . <<<"$changed" || echo /nothing/); then
      echo "$file"
    fi
  done < <(all_files)
}

mapfile -t files < <(files_to_check)
if [ "${1:-}" = --list ]; then
  [ ${#files[@]} -eq 0 ] || printf '%s\n' "${files[@]}"
  exit 0
fi
total=$(all_files | wc -l)
if [ ${#files[@]} -eq 0 ]; then
  echo "clang-tidy: 0 of $total files changed since $(cat .ci/tidy-clean-at), the last clean whole run"
  exit 0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
run-clang-tidy-16 -p build -j "$(nproc)" -quiet -extra-arg=-std=c++2b -extra-arg=-U__cpp_concepts \
  -extra-arg=-D__cpp_concepts=202002L "${files[@]/#/$(pwd)/}" >"$log" 2>&1 || status=$?
findings=$(grep -cE '(warning|error): ' "$log" || true)
if [ "$status" -ne 0 ] || [ "$findings" -ne 0 ]; then
  grep -E '(warning|error): ' "$log" | sort -u >&2 || tail -30 "$log" >&2
  echo "clang-tidy: $findings findings" >&2
  exit 1
fi
echo "clang-tidy: ${#files[@]} of $total files checked (the others unchanged since the last clean whole run), 0 findings"
if [ "$mark" = 1 ]; then
  git rev-parse HEAD >.ci/tidy-clean-at
  echo "clang-tidy: .ci/tidy-clean-at now names $(git rev-parse --short HEAD); commit it"
fi
