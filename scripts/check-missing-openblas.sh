#!/usr/bin/env bash
# Builds both ways with OpenBLAS hidden (in a private mount namespace, so nothing on the machine
# changes) and checks that each build stops with the finder's message naming the package to
# install, before any compiler runs. Needs root for unshare -m; says so and exits 0 elsewhere.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! unshare -m true 2>/dev/null; then
  echo "missing-OpenBLAS check skipped: unshare -m is not permitted here"
  exit 0
fi
hide=""
for dir in /usr/include/*/openblas-pthread /usr/lib/*/openblas-pthread /usr/include/openblas; do
  [ -d "$dir" ] && hide+="mount -t tmpfs none $dir && "
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for build in "npx node-gyp configure" "npx cmake-js configure --out $work/cmake"; do
  unshare -m sh -c "$hide $build" >"$work/log" 2>&1
  status=$?
  if [ $status -eq 0 ]; then echo "FAILED: '$build' succeeded with OpenBLAS hidden"; exit 1; fi
  if ! grep -q "sudo apt-get install libopenblas-dev" "$work/log"; then
    echo "FAILED: '$build' did not name the package to install:"; cat "$work/log"; exit 1
  fi
  if grep -qE "CXX\(target\)|Building CXX|error: " "$work/log"; then
    echo "FAILED: '$build' ran the compiler:"; cat "$work/log"; exit 1
  fi
  echo "ok - $build stops with the install message when OpenBLAS is missing"
done
