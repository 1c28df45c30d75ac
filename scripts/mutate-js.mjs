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
  cli: { mutate: ['lib/cli/**/*.ts', 'lib/plot/**/*.ts'] },
  data: { mutate: ['lib/data/**/*.ts', 'lib/metrics/**/*.ts'] },
  train: { mutate: ['lib/train/**/*.ts'] },
  core: { mutate: ['lib/*.ts'] },
  io: { mutate: ['lib/io/**/*.ts'] },
  optim: { mutate: ['lib/optim/**/*.ts', 'lib/backends/*.ts'] },
  // The TypeScript backend's kernels on their own: instrumented, their inner loops slow every
  // test that trains on that backend some fifty-fold, so no other part should carry them. The
  // learning tests (hundreds of epochs on that backend) then take minutes per surviving mutant,
  // hours in all, so this part runs without them: its score is a lower bound of the whole
  // suite's. Every kernel is still checked against independent values (js-kernels.test.ts: by
  // hand, central differences, PyTorch's optimizer steps; gradcheck; the PyTorch trajectories).
  kernels: { mutate: ['lib/backends/js/**/*.ts'], skip: ['test/learning.test.ts'] },
};

const { values: args } = parseArgs({ options: { parts: { type: 'string' }, force: { type: 'boolean' } } });
const chosen = args.parts?.split(',') ?? Object.keys(PARTS);
for (const part of chosen) if (!(part in PARTS)) throw new Error(`Unknown part '${part}' (parts: ${Object.keys(PARTS).join(', ')})`);

const resultOf = (part) => path.join('reports', 'mutation', `${part}.json`);
for (const part of chosen) {
  const { mutate, skip = [] } = PARTS[part];
  console.log(`\n== StrykerJS over ${mutate.join(', ')}${skip.length > 0 ? ` (without ${skip.join(', ')})` : ''}`);
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs', '--mutate', mutate.join(','), '--incremental',
    '--incrementalFile', resultOf(part), ...(args.force ? ['--force'] : [])],
    { cwd: root, stdio: 'inherit', env: { ...process.env, BLASTRAIN_MUTATION_SKIP: skip.join(',') } });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
const results = Object.keys(PARTS).map(resultOf).filter((file) => existsSync(path.join(root, file)));
const report = spawnSync(process.execPath, [path.join(root, 'scripts', 'mutation-report.mjs'), ...results], { cwd: root, stdio: 'inherit' });
process.exit(report.status ?? 1);
