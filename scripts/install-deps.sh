#!/usr/bin/env bash
# Installs synthgen's build and test dependencies from Debian 12 packages (skips what is there).
set -euo pipefail
packages=(cmake g++ make pkg-config libcurl4-openssl-dev nlohmann-json3-dev libcli11-dev libspdlog-dev
          libfmt-dev libzip-dev libsqlite3-dev libssl-dev libtomlplusplus-dev libgtest-dev python3 openssl dpkg-dev file chromium clang-format)
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
