#!/usr/bin/env node
// Finds OpenBLAS for both build files (binding.gyp and CMakeLists.txt), so they agree.
//   node scripts/find-openblas.js include   → the directory holding OpenBLAS's cblas.h
//   node scripts/find-openblas.js libs      → linker arguments
// Looks at OPENBLAS_INCLUDE_DIR / OPENBLAS_LIB_DIR, then pkg-config, then the usual Debian,
// Fedora and Homebrew locations. BLASTRAIN_OPENBLAS_STATIC=1 links libopenblas.a (the
// prebuilt binaries do). When OpenBLAS is missing it prints one message naming the package to
// install and exits 1, before any compiler runs.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const SYSTEM = {
  includeDirs: [
    '/usr/include/x86_64-linux-gnu/openblas-pthread', // Debian/Ubuntu, amd64
    '/usr/include/aarch64-linux-gnu/openblas-pthread', // Debian/Ubuntu, arm64
    '/usr/include/openblas', // Fedora, Arch
    '/usr/include',
    '/opt/homebrew/opt/openblas/include', // Homebrew, Apple silicon
    '/usr/local/opt/openblas/include', // Homebrew, Intel
    '/usr/local/include',
  ],
  libDirs: [
    '/usr/lib/x86_64-linux-gnu/openblas-pthread',
    '/usr/lib/aarch64-linux-gnu/openblas-pthread',
    '/usr/lib64',
    '/usr/lib',
    '/opt/homebrew/opt/openblas/lib',
    '/usr/local/opt/openblas/lib',
    '/usr/local/lib',
  ],
  pkgConfig(variable) {
    try {
      return execFileSync('pkg-config', [`--variable=${variable}`, 'openblas'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return '';
    }
  },
};

class OpenBlasNotFound extends Error {
  constructor(what) {
    super(
      `blastrain: OpenBLAS ${what} was not found, so the native addon cannot be built.\n` +
        'Install OpenBLAS, then run the install again:\n' +
        '  Debian/Ubuntu: sudo apt-get install libopenblas-dev\n' +
        '  Fedora:        sudo dnf install openblas-devel\n' +
        '  macOS:         brew install openblas\n' +
        'Or point OPENBLAS_INCLUDE_DIR and OPENBLAS_LIB_DIR at your own build.',
    );
  }
}

// OpenBLAS's cblas.h sits next to openblas_config.h; netlib's cblas.h does not.
function includeDir(env = process.env, system = SYSTEM) {
  const dirs = [env.OPENBLAS_INCLUDE_DIR, system.pkgConfig('includedir'), ...system.includeDirs];
  const dir = dirs.find((d) => d && existsSync(path.join(d, 'openblas_config.h')));
  if (!dir) throw new OpenBlasNotFound('headers (cblas.h beside openblas_config.h)');
  return path.resolve(dir);
}

function libs(env = process.env, system = SYSTEM, platform = process.platform) {
  const isStatic = env.BLASTRAIN_OPENBLAS_STATIC === '1';
  const file = isStatic ? 'libopenblas.a' : platform === 'darwin' ? 'libopenblas.dylib' : 'libopenblas.so';
  const dirs = [env.OPENBLAS_LIB_DIR, system.pkgConfig('libdir'), ...system.libDirs];
  const dir = dirs.find((d) => d && existsSync(path.join(d, file)));
  if (!dir) throw new OpenBlasNotFound(`library (${file})`);
  const lib = path.resolve(dir);
  if (isStatic) return [path.join(lib, file), '-lpthread', '-lm'];
  return [`-L${lib}`, `-Wl,-rpath,${lib}`, '-lopenblas'];
}

module.exports = { includeDir, libs, OpenBlasNotFound };

if (require.main === module) {
  try {
    const what = process.argv[2];
    if (what === 'include') console.log(includeDir());
    else if (what === 'libs') console.log(libs().join(' '));
    else throw new Error('usage: find-openblas.js include|libs');
  } catch (error) {
    process.stderr.write(`\n${error.message}\n\n`);
    process.exit(1);
  }
}
