// The suite StrykerJS runs against each mutant of lib/ (stryker.config.mjs): every test that
// exercises lib/ in the test process. Left out: tests that run the built package (dist/) or
// Python in child processes — they cannot see a mutant of lib/ — and the 40-second soak.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Test files in the order most likely to kill a mutant soonest: Stryker runs one file at a time
 * and stops at the first failing test, so the file that failed on the last mutant (which often
 * kills its neighbours too), then the quickest. Vitest's own order runs the slowest first.
 */
class KillFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const last = (file: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${path.relative(this.ctx.config.root, file.moduleId)}`);
    const rank = (file: TestSpecification) => {
      const result = last(file);
      return result === undefined ? [1, 0] : [result.failed ? 0 : 1, result.duration];
    };
    return [...files].sort((a, b) => {
      const [failedA, durationA] = rank(a);
      const [failedB, durationB] = rank(b);
      return failedA! - failedB! || durationA! - durationB!;
    });
  }
}

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
      // Left out by a part of scripts/mutate-js.mjs (its `skip`), comma-separated.
      ...(process.env.BLASTRAIN_MUTATION_SKIP?.split(',').filter(Boolean) ?? []),
    ],
    // Read by test/helpers.ts: the CLI tests then call its main() in the test process, where
    // mutants are seen (test/cli/run.ts), and the few tests marked for it are left out.
    env: { BLASTRAIN_MUTATION_SUITE: '1' },
    // Instrumented, the TypeScript backend's learning tests run some fifty times slower.
    testTimeout: 600_000,
    sequence: { sequencer: KillFirstSequencer },
  },
});
