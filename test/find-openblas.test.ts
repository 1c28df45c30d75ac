// The OpenBLAS finder both build files use: found here, and one clear message when absent.
import { createRequire } from 'node:module';
import { expect, test } from 'vitest';

const { includeDir, libs } = createRequire(__filename)('../scripts/find-openblas.js') as {
  includeDir(env?: object, system?: object): string;
  libs(env?: object, system?: object, platform?: string): string[];
};
const nowhere = { includeDirs: ['/nonexistent'], libDirs: ['/nonexistent'], pkgConfig: () => '' };

test('finds the OpenBLAS this machine has, for dynamic and static linking', () => {
  expect(includeDir()).toMatch(/\//);
  expect(libs({})).toContain('-lopenblas');
  expect(libs({ BLASTRAIN_OPENBLAS_STATIC: '1' })[0]).toMatch(/libopenblas\.a$/);
});

test('missing OpenBLAS gives one message naming the package for each system', () => {
  for (const find of [() => includeDir({}, nowhere), () => libs({}, nowhere)]) {
    expect(find).toThrow(/OpenBLAS .* was not found/);
    expect(find).toThrow(/Debian\/Ubuntu: sudo apt-get install libopenblas-dev/);
    expect(find).toThrow(/Fedora: +sudo dnf install openblas-devel/);
    expect(find).toThrow(/macOS: +brew install openblas/);
  }
});
