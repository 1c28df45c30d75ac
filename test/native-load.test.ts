// When the binary cannot be loaded, the error says what was tried and how to fix it.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { NativeLoadError } from '../lib/errors';
import { loadNativeFrom, nativeBinaryPath } from '../lib/native';
import { inMutationSuite } from './helpers';

// npm test's pretest (scripts/ensure-native.mjs) rebuilds the addon when native/ changed: the
// suite must never pass against a prebuild or an older build (the prebuild has its own test in
// npm run test:package). Not in the mutation suite, whose sandbox copies native/ after the build.
test.skipIf(inMutationSuite)('the loaded addon is this checkout\'s own build, not older than native/', () => {
  const root = path.join(__dirname, '..');
  const binary = nativeBinaryPath();
  expect(binary).toBe(path.join(root, 'build', 'Release', 'blastrain.node'));
  const built = statSync(binary).mtimeMs;
  const sources = readdirSync(path.join(root, 'native')).map((f) => path.join(root, 'native', f));
  const stale = sources.filter((file) => statSync(file).mtimeMs > built);
  expect(stale, 'native sources newer than the loaded binary').toEqual([]);
});

test('NativeLoadError names the platform, where it looked and the fix', () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'blastrain-no-addon-'));
  try {
    let error: unknown;
    try {
      loadNativeFrom(empty);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NativeLoadError);
    expect(error).toMatchObject({ code: 'ERR_BLASTRAIN_NATIVE_LOAD' });
    // The middle is node-gyp-build's own report (several lines).
    const lines = (error as Error).message.split('\n');
    const [first, looked, fix] = [lines[0], lines[1], lines.at(-1)];
    expect(first).toBe(`Could not load blastrain's native addon for ${process.platform}-${process.arch} (Node ${process.version}, Node-API ${process.versions.napi}).`);
    expect(looked).toMatch(new RegExp(`^Looked in ${path.join(empty, 'build', 'Release')} and ${path.join(empty, 'prebuilds')}: No native build was found`));
    expect(fix).toBe('To build it from source: install OpenBLAS (Debian/Ubuntu: sudo apt-get install libopenblas-dev cmake g++; ' +
      'Fedora: sudo dnf install openblas-devel; macOS: brew install openblas), then run `npm rebuild blastrain`. ' +
      "Or use the plain-TypeScript backend: new Sequential({ …, backend: 'js' }).");
    expect(lines.filter((l) => l.startsWith('To build it from source'))).toHaveLength(1);
    expect((error as Error).cause).toBeInstanceOf(Error);
  } finally {
    rmSync(empty, { recursive: true });
  }
});
