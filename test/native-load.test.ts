// When the binary cannot be loaded, the error says what was tried and how to fix it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { NativeLoadError } from '../lib/errors';
import { loadNativeFrom, nativeBinaryPath } from '../lib/native';

test('the addon loads from this checkout', () => {
  expect(nativeBinaryPath()).toMatch(/blastrain\.node$/);
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
