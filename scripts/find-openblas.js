#!/usr/bin/env node
// Finds OpenBLAS for both build files (binding.gyp and CMakeLists.txt), so they agree.
//   node scripts/find-openblas.js include   → the directory holding OpenBLAS's cblas.h
//   node scripts/find-openblas.js libs      → linker arguments
// Set BLASTRAIN_OPENBLAS_STATIC=1 to link libopenblas.a (the prebuilt binaries do), and
// OPENBLAS_INCLUDE_DIR / OPENBLAS_LIB_DIR to point at a custom install.
// When OpenBLAS is missing it prints one message naming the package to install and exits 1,
// before any compiler runs.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const includeCandidates = [
  '/usr/include/x86_64-linux-gnu/openblas-pthread', // Debian/Ubuntu, amd64
  '/usr/include/aarch64-linux-gnu/openblas-pthread', // Debian/Ubuntu, arm64
  '/usr/include/openblas', // Fedora, Arch
  '/usr/include',
  '/opt/homebrew/opt/openblas/include', // Homebrew, Apple silicon
  '/usr/local/opt/openblas/include', // Homebrew, Intel
  '/usr/local/include',
];
const libCandidates = [
  '/usr/lib/x86_64-linux-gnu/openblas-pthread',
  '/usr/lib/aarch64-linux-gnu/openblas-pthread',
  '/usr/lib64',
  '/usr/lib',
  '/opt/homebrew/opt/openblas/lib',
  '/usr/local/opt/openblas/lib',
  '/usr/local/lib',
];

function pkgConfig(variable) {
  try {
    return execFileSync('pkg-config', [`--variable=${variable}`, 'openblas'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

function missing(what) {
  process.stderr.write(
    `\nblastrain: OpenBLAS ${what} was not found, so the native addon cannot be built.\n` +
      'Install OpenBLAS, then run the install again:\n' +
      '  Debian/Ubuntu: sudo apt-get install libopenblas-dev\n' +
      '  Fedora:        sudo dnf install openblas-devel\n' +
      '  macOS:         brew install openblas\n' +
      'Or point OPENBLAS_INCLUDE_DIR and OPENBLAS_LIB_DIR at your own build.\n\n',
  );
  process.exit(1);
}

// OpenBLAS's cblas.h sits next to openblas_config.h; netlib's cblas.h does not.
function includeDir() {
  const dirs = [process.env.OPENBLAS_INCLUDE_DIR, pkgConfig('includedir'), ...includeCandidates];
  const dir = dirs.find((d) => d && existsSync(path.join(d, 'openblas_config.h')));
  return dir ? path.resolve(dir) : missing('headers (cblas.h with openblas_config.h)');
}

function libs() {
  const isStatic = process.env.BLASTRAIN_OPENBLAS_STATIC === '1';
  const file = isStatic ? 'libopenblas.a' : process.platform === 'darwin' ? 'libopenblas.dylib' : 'libopenblas.so';
  const dirs = [process.env.OPENBLAS_LIB_DIR, pkgConfig('libdir'), ...libCandidates];
  const dir = dirs.find((d) => d && existsSync(path.join(d, file)));
  if (!dir) return missing(`library (${file})`);
  const lib = path.resolve(dir);
  if (isStatic) return [path.join(lib, file), '-lpthread', '-lm'];
  return [`-L${lib}`, `-Wl,-rpath,${lib}`, '-lopenblas'];
}

const what = process.argv[2];
if (what === 'include') console.log(includeDir());
else if (what === 'libs') console.log(libs().join(' '));
else {
  process.stderr.write('usage: find-openblas.js include|libs\n');
  process.exit(2);
}
