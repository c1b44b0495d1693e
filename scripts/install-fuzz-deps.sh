#!/usr/bin/env bash
# Installs what scripts/fuzz.sh needs on top of install-deps.sh: Clang 16, its libFuzzer/sanitizer runtimes, llvm-symbolizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# (clang-tidy-16 is for scripts/check-tidy.sh.) Clang 14 and 15 cannot compile libstdc++ 12's std::expected (fuzz/CMakeLists.txt says why); 16 can.
packages=(clang-16 libclang-rt-16-dev llvm-16 clang-tidy-16)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "installing: ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
