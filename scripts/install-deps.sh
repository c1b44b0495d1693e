#!/usr/bin/env bash
# Installs synthgen's build and test dependencies from Debian 12 packages (skips what is there).
# Not chromium (81 MB to download, 290 MB installed): .ci/run installs it for the report's
# screenshot test, which is skipped without it.
set -euo pipefail
exec "$(dirname "$0")/apt-install-missing.sh" cmake g++ make pkg-config libcurl4-openssl-dev nlohmann-json3-dev libcli11-dev \
  libspdlog-dev libfmt-dev libzip-dev libsqlite3-dev libssl-dev libtomlplusplus-dev libgtest-dev python3 openssl dpkg-dev file \
  clang-format
