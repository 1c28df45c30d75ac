// blastrain bench: runs the benchmark (bench/run.mjs) when it is there with its dependencies —
// in a clone of the repository — and otherwise says how to get it: the npm package does not
// ship the benchmark or its peers (TensorFlow.js, brain.js), which stay out of its dependencies.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { text, type CommandSpec, type Parsed } from './args';
import type { Io } from './io';

export const BENCH: CommandSpec = {
  name: 'bench',
  summary: 'Runs the training benchmark against the JS peers (from a clone of the blastrain repository).',
  positionals: [],
  options: {
    quick: { type: 'boolean', description: 'tiny and small, 3 runs (a smoke test)' },
    inference: { type: 'boolean', description: 'Only serving speed: predict against onnxruntime-node and TensorFlow.js on the same weights' },
    configs: { type: 'string', value: 'A,B,…', description: 'Only these configs: tiny, small, medium, large' },
    systems: { type: 'string', value: 'A,B,…', description: 'Only these systems' },
  },
};

/** The package's root: dist/cli/bench.js → the directory holding package.json. */
const ROOT = path.resolve(__dirname, '..', '..');

/** Runs bench/run.mjs of the checkout at `root` (this package's own, when run from a clone). */
export async function bench({ values }: Parsed, io: Io, root = ROOT): Promise<number> {
  const script = path.join(root, 'bench', 'run.mjs');
  if (!existsSync(script)) {
    io.stderr.write(
      'The benchmark is not part of the npm package (its peers, TensorFlow.js and brain.js, are not blastrain dependencies).\n' +
        'To run it: git clone the blastrain repository, then in it: npm ci && npm run bench\n',
    );
    return 1;
  }
  if (!existsSync(path.join(root, 'bench', 'node_modules'))) {
    io.stderr.write(`The benchmark's peers are not installed: run npm ci --prefix ${path.join(root, 'bench')} (or npm run bench, which installs them), then blastrain bench again\n`);
    return 1;
  }
  const args = [
    ...(['quick', 'inference'] as const).filter((name) => values[name] === true).map((name) => `--${name}`),
    ...(['configs', 'systems'] as const).flatMap((name) => (text(values, name) === undefined ? [] : [`--${name}=${text(values, name)}`])),
  ];
  const child = spawn(process.execPath, ['--expose-gc', script, ...args], { stdio: 'inherit', cwd: root });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return code ?? (signal === 'SIGINT' ? 130 : 1);
}
