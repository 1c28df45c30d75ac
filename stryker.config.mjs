// StrykerJS over lib/ (npm run test:mutation:js): each mutant of the TypeScript is run against
// the in-process tests (test/mutation/vitest.config.mts), with per-test coverage so only the
// tests that reach a mutant run it.
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.mts' },
  mutate: ['lib/**/*.ts'],
  coverageAnalysis: 'perTest',
  // Mutants reached only outside any one test (module loading, a file's beforeAll) are ignored:
  // otherwise each would rerun every test. docs/mutation-js.md counts them as not scored.
  ignoreStatic: true,
  // Only lib/ needs its type checks off (mutants need not type-check); the README test compares
  // examples/ with the README byte for byte.
  disableTypeChecks: 'lib/**/*.ts',
  concurrency: 2,
  // A mutant that hangs (a promise never settled) is a timeout: detected. Ten seconds past the
  // tests' own time (× 1.5) keeps a 2-core run from idling on each.
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
};
