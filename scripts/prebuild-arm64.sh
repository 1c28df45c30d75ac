#!/usr/bin/env bash
# npm run prebuild:arm64 — cross-compiles the linux-arm64 prebuild on an x86-64 Debian machine:
# Debian's aarch64 cross compiler and Debian's arm64 OpenBLAS (libopenblas.a, through multiarch),
# with the same static-link and hidden-symbol rules as the x64 prebuild (binding.gyp), into
# prebuilds/linux-arm64/. `--system` first installs what it needs (root, or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--system" ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  dpkg --print-foreign-architectures | grep -qx arm64 || $sudo dpkg --add-architecture arm64
  $sudo apt-get update >/dev/null
  # The cross compiler; arm64 OpenBLAS (static library and headers); qemu-user and the arm64 C
  # and C++ runtimes, which the tests under emulation (scripts/test-arm64.sh) run Node with.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends \
    g++-aarch64-linux-gnu binutils-aarch64-linux-gnu libopenblas-dev:arm64 libstdc++6:arm64 qemu-user >/dev/null
fi

blas=/usr/lib/aarch64-linux-gnu/openblas-pthread
if [ ! -f "$blas/libopenblas.a" ] || ! command -v aarch64-linux-gnu-g++ >/dev/null; then
  echo "The arm64 cross build needs g++-aarch64-linux-gnu and libopenblas-dev:arm64; run npm run prebuild:arm64 -- --system" >&2
  exit 1
fi
export CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ AR=aarch64-linux-gnu-ar
export BLASTRAIN_OPENBLAS_STATIC=1 OPENBLAS_LIB_DIR="$blas" OPENBLAS_INCLUDE_DIR=/usr/include/aarch64-linux-gnu/openblas-pthread
# Built in a copy of the sources, so that build/ (the host build the tests load) stays x86-64.
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/scripts"
cp -r native binding.gyp package.json "$work/"
cp scripts/find-openblas.js "$work/scripts/"
ln -s "$root/node_modules" "$work/node_modules"
(cd "$work" && "$root/node_modules/.bin/prebuildify" --napi --strip --arch arm64 --strip-bin aarch64-linux-gnu-strip --out "$root")
file=prebuilds/linux-arm64/blastrain.node
echo "$file: $(aarch64-linux-gnu-readelf -h "$file" | sed -n 's/^ *Machine: *//p'), NEEDED: $(aarch64-linux-gnu-readelf -d "$file" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
