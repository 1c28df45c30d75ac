#!/usr/bin/env bash
# One command for a fresh Debian/Ubuntu machine that has Node.js ≥ 20: installs the system
# packages blastrain builds with (only those missing: libopenblas-dev, cmake, g++, make,
# python3, pkg-config), the npm dependencies (whose install step compiles the addon through
# binding.gyp), then runs the MNIST demo. `--system-only` stops after the system packages.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for pkg in libopenblas-dev cmake g++ make python3 pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
[ "${1:-}" = "--system-only" ] && exit 0

# onnxruntime-node (a test-only dependency) ships its CPU binary; its install script would only
# try to download CUDA files.
ONNXRUNTIME_NODE_INSTALL=skip npm ci
npm run demo -- "$@"
