// When the binary cannot be loaded, the error says what was tried and how to fix it.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { NativeLoadError } from '../lib/errors';
import { loadNativeFrom, nativeBinaryPath } from '../lib/native';

// npm test's pretest (scripts/ensure-native.mjs) rebuilds the addon when native/ changed: the
// suite must never pass against a prebuild or an older build (the prebuild has its own test in
// npm run test:package).
test('the loaded addon is this checkout\'s own build, not older than native/', () => {
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
    const message = (error as Error).message;
    expect(message).toContain(`${process.platform}-${process.arch}`);
    expect(message).toContain(`Node-API ${process.versions.napi}`);
    expect(message).toContain(path.join(empty, 'build', 'Release'));
    expect(message).toContain('No native build was found');
    expect(message).toContain('sudo apt-get install libopenblas-dev');
    expect(message).toContain("backend: 'js'");
  } finally {
    rmSync(empty, { recursive: true });
  }
});
