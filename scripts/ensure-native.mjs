// npm test's pretest: the suite must test this tree's native code, never an older binary. When
// any native source or build file is newer than build/Release/blastrain.node (or there is no
// local build, so node-gyp-build would fall back to a prebuild), it rebuilds incrementally with
// whichever tool configured build/ (cmake-js or node-gyp), or from scratch with node-gyp.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const binary = path.join(root, 'build', 'Release', 'blastrain.node');
const sources = [
  ...readdirSync(path.join(root, 'native')).map((f) => path.join(root, 'native', f)),
  path.join(root, 'binding.gyp'),
  path.join(root, 'CMakeLists.txt'),
];
const newest = sources.reduce((best, file) => (statSync(file).mtimeMs > best.mtimeMs ? { file, mtimeMs: statSync(file).mtimeMs } : best), { file: '', mtimeMs: 0 });

if (existsSync(binary) && statSync(binary).mtimeMs >= newest.mtimeMs) process.exit(0);

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const gypChanged = newest.file.endsWith('binding.gyp');
const [tool, args] = existsSync(path.join(root, 'build', 'CMakeCache.txt'))
  ? [bin('cmake-js'), ['compile']]
  : existsSync(path.join(root, 'build', 'Makefile')) && !gypChanged
    ? [bin('node-gyp'), ['build']]
    : [bin('node-gyp'), ['rebuild']];
console.error(
  existsSync(binary)
    ? `pretest: ${path.relative(root, newest.file)} is newer than build/Release/blastrain.node; rebuilding (${path.basename(tool)} ${args.join(' ')})`
    : `pretest: no local build of the addon; building it (${path.basename(tool)} ${args.join(' ')})`,
);
try {
  execFileSync(tool, args, { cwd: root, stdio: 'inherit' });
} catch {
  console.error(
    'pretest: the native build failed, so the tests would run against a stale or missing binary. ' +
      'Fix the build (npm run build:native or npm run build:gyp shows the compiler output), then run npm test again.',
  );
  process.exit(1);
}
// make relinks only when an object changed; when it found nothing to do, the binary is current.
if (statSync(binary).mtimeMs < newest.mtimeMs) utimesSync(binary, new Date(), new Date());
