#!/usr/bin/env bash
# `cmake --install` and `cpack -G DEB` from a build tree: both must carry the binary, the prompt
# templates, the man page and the example config, and the installed binary must run.
# Usage: check_install.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/synthgen-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
wanted=(bin/synthgen share/synthgen/prompts/simple.txt share/synthgen/prompts/cot.txt
        share/man/man1/synthgen.1 share/doc/synthgen/config.toml.example)
fail=0
cmake --install "$build" --prefix "$work/prefix" >/dev/null
for f in "${wanted[@]}"; do
  [ -f "$work/prefix/$f" ] || { echo "install: missing $f"; fail=1; }
done
"$work/prefix/bin/synthgen" --version | grep -q '^synthgen ' || { echo "install: the installed binary does not run"; fail=1; }
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" >/dev/null)
deb=$(ls "$work"/synthgen_*.deb)
listing=$(dpkg-deb -c "$deb")
for f in "${wanted[@]}"; do
  grep -q "\./usr/$f\$" <<<"$listing" || { echo "deb: missing /usr/$f"; fail=1; }
done
dpkg-deb -f "$deb" Depends | grep -q libcurl || { echo "deb: Depends does not name libcurl"; fail=1; }
[ $fail -eq 0 ] && echo "install and package: $(basename "$deb") holds every file"
exit $fail
