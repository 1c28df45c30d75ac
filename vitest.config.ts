import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Examples import the package by name; in tests that is the TypeScript source.
    alias: { blastrain: path.join(__dirname, 'lib', 'index.ts') },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // test/non-blocking.test.ts forces garbage collection during fit.
    execArgv: ['--expose-gc'],
    testTimeout: 60_000,
  },
});
