#!/usr/bin/env bash
# Runs the test suite against an AddressSanitizer + UndefinedBehaviorSanitizer build of the addon
# (cmake-js, -DBLASTRAIN_ASAN=ON -DBLASTRAIN_UBSAN=ON), then restores the normal build.
# Node itself is not instrumented, so libasan is preloaded; leak checking is off because V8
# keeps allocations alive until exit by design. Any sanitizer report aborts the test process.
set -euo pipefail
cd "$(dirname "$0")/.."
npx cmake-js rebuild --CDBLASTRAIN_ASAN=ON --CDBLASTRAIN_UBSAN=ON
status=0
LD_PRELOAD="$(gcc -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
  npx vitest run || status=$?
npx cmake-js rebuild
exit $status
