// StrykerJS over lib/, in parts: each part is one `stryker run` over some folders of lib/ (its
// own, smaller initial run; a result file per part, so an interrupted run keeps the parts it
// finished), then scripts/mutation-report.mjs merges the parts into docs/mutation-js.md.
// Incremental: a part run again tests only the mutants whose code or covering tests changed
// since its last run (reports/mutation/<part>.json is both its result and Stryker's
// incremental file).
//
//   node scripts/mutate-js.mjs                 every part (several hours on 2 cores)
//   node scripts/mutate-js.mjs --parts data,io some parts (the report merges whatever parts exist)
//   node scripts/mutate-js.mjs --force         ignore earlier results
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PARTS = {
  cli: ['lib/cli/**/*.ts', 'lib/plot/**/*.ts'],
  data: ['lib/data/**/*.ts', 'lib/metrics/**/*.ts'],
  train: ['lib/train/**/*.ts'],
  core: ['lib/*.ts'],
  io: ['lib/io/**/*.ts'],
  optim: ['lib/optim/**/*.ts', 'lib/backends/*.ts'],
  // The TypeScript backend's kernels on their own: instrumented, their inner loops slow every
  // test that trains on that backend some fifty-fold, so no other part should carry them.
  kernels: ['lib/backends/js/**/*.ts'],
};

const { values: args } = parseArgs({ options: { parts: { type: 'string' }, force: { type: 'boolean' } } });
const chosen = args.parts?.split(',') ?? Object.keys(PARTS);
for (const part of chosen) if (!(part in PARTS)) throw new Error(`Unknown part '${part}' (parts: ${Object.keys(PARTS).join(', ')})`);

const resultOf = (part) => path.join('reports', 'mutation', `${part}.json`);
for (const part of chosen) {
  console.log(`\n== StrykerJS over ${PARTS[part].join(', ')}`);
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs', '--mutate', PARTS[part].join(','), '--incremental',
    '--incrementalFile', resultOf(part), ...(args.force ? ['--force'] : [])], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
const results = Object.keys(PARTS).map(resultOf).filter((file) => existsSync(path.join(root, file)));
const report = spawnSync(process.execPath, [path.join(root, 'scripts', 'mutation-report.mjs'), ...results], { cwd: root, stdio: 'inherit' });
process.exit(report.status ?? 1);
