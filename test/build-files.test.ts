// binding.gyp (prebuilds, source installs) and CMakeLists.txt (developer build) must build the
// same sources with the same defines.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.join(__dirname, '..');
const gyp = JSON.parse(readFileSync(path.join(root, 'binding.gyp'), 'utf8')) as {
  targets: { sources: string[]; defines: string[] }[];
};
const cmake = readFileSync(path.join(root, 'CMakeLists.txt'), 'utf8');

function cmakeList(name: string): string[] {
  const match = new RegExp(`set\\(${name}\\s+([^)]*)\\)`).exec(cmake);
  if (!match) throw new Error(`CMakeLists.txt has no set(${name} …)`);
  return match[1]!.split(/\s+/).filter(Boolean).sort();
}

test('both build files compile exactly the native/*.cpp sources', () => {
  const onDisk = readdirSync(path.join(root, 'native')).filter((f) => f.endsWith('.cpp')).map((f) => `native/${f}`).sort();
  expect([...gyp.targets[0]!.sources].sort()).toEqual(onDisk);
  expect(cmakeList('BLASTRAIN_SOURCES')).toEqual(onDisk);
});

test('both build files set the same preprocessor defines', () => {
  expect([...gyp.targets[0]!.defines].sort()).toEqual(cmakeList('BLASTRAIN_DEFINES'));
});

test('only the binding includes <napi.h>, only blas.h includes <cblas.h>', () => {
  const files = readdirSync(path.join(root, 'native'));
  const including = (header: string) =>
    files.filter((f) => readFileSync(path.join(root, 'native', f), 'utf8').includes(`#include <${header}>`)).sort();
  expect(including('napi.h').every((f) => f.startsWith('binding'))).toBe(true); // binding.cpp and its binding_* helpers
  expect(including('napi.h')).toContain('binding.cpp');
  expect(including('cblas.h')).toEqual(['blas.h']);
});
