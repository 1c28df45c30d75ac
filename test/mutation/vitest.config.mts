// The suite StrykerJS runs against each mutant of lib/ (stryker.config.mjs): every test that
// exercises lib/ in the test process. Left out: tests that run the built package (dist/) or
// Python in child processes — they cannot see a mutant of lib/ — and the 40-second soak.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export default defineConfig({
  root,
  resolve: { alias: { blastrain: path.join(root, 'lib', 'index.ts') } },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/hostile/buffer-getter.test.ts', 'test/hostile/busy.test.ts', 'test/hostile/labels.test.ts', 'test/hostile/raw-addon.test.ts',
      'test/hostile/resizable.test.ts', 'test/hostile/soak.test.ts', 'test/hostile/worker-teardown.test.ts',
      'test/io/atomic-save.test.ts', 'test/io/load-memory.test.ts', 'test/io/pytorch.test.ts', 'test/io/scale-out.test.ts',
      'test/non-blocking.test.ts', 'test/data/heap-limit.test.ts', 'test/build-files.test.ts', 'test/find-openblas.test.ts',
      // The CLI in a terminal (tmux) and the README walkthrough run the built executable only.
      'test/cli/terminal.test.ts', 'test/cli/walkthrough.test.ts',
    ],
    // Read by test/helpers.ts: the CLI tests then call its main() in the test process, where
    // mutants are seen (test/cli/run.ts), and the few tests marked for it are left out.
    env: { BLASTRAIN_MUTATION_SUITE: '1' },
    // Instrumented, the TypeScript backend's learning tests run some fifty times slower.
    testTimeout: 600_000,
  },
});
