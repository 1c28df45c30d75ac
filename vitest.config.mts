import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    // Examples import the package by name; in tests that is the TypeScript source.
    alias: { blastrain: path.join(root, 'lib', 'index.ts') },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // test/non-blocking.test.ts forces garbage collection during fit.
    execArgv: ['--expose-gc'],
    testTimeout: 60_000,
  },
});
