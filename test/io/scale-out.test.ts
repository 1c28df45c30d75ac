// The scale-out recipe, run for real: a model blastrain trained for a few epochs continues under
// PyTorch DistributedDataParallel with two processes (torchrun, gloo, CPU), and comes back: its
// loss went down further, blastrain predicts what the Python script printed (float32 in
// different orders: 1e-5 relative, 1e-6 absolute), and, as docs/scale-out.md says, the
// optimizer state did not travel (the file holds none; the loaded optimizer starts at step 0).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Adam, Dense, Sequential, writeTensors } from '../../lib/index';
import { expectClose, scratchDir } from '../helpers';
import { findPython, pythonEnv } from '../python';

const python = findPython(['torch', 'torch.distributed.run'], 'python3-torch');
const dir = scratchDir('ddp');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the README points to the recipe with the two commands a user types', () => {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(readme).toContain('torchrun --standalone --nproc_per_node=2 --redirects 1 --tee 1 examples/scale-out/train_ddp.py model.safetensors data.safetensors out.safetensors');
  expect(readme).toContain('docs/scale-out.md');
});

test.runIf(python)('blastrain → torchrun DDP with 2 processes → blastrain: loss lower, same predictions, optimizer restarted', async () => {
  const samples = 1200;
  const x = Float32Array.from({ length: 8 * samples }, (_, i) => Math.sin(i * 0.7311) + Math.cos(i * 0.05));
  const y = Float32Array.from({ length: samples }, (_, i) => {
    const row = x.subarray(8 * i, 8 * i + 8);
    return row[0]! + row[1]! > row[2]! + row[3]! ? (row[4]! > 0 ? 0 : 1) : 2;
  });
  const model = new Sequential({ inputSize: 8, seed: 2, layers: [new Dense(32, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })] });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new Adam({ lr: 0.005 }) });
  const labels = Int32Array.from(y);
  await model.fit(x, labels, { epochs: 3, batchSize: 32 });
  const before = model.evaluate(x, labels).loss;
  const modelFile = path.join(dir, 'model.safetensors');
  const dataFile = path.join(dir, 'data.safetensors');
  const outFile = path.join(dir, 'out.safetensors');
  await model.save(modelFile, { optimizer: true });
  await writeTensors(dataFile, { x: { data: x, shape: [samples, 8] }, y: { data: y, shape: [samples] } });

  const script = path.join(__dirname, '..', '..', 'examples', 'scale-out', 'train_ddp.py');
  const output = execFileSync(python!, ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', script, modelFile, dataFile, outFile, '--epochs', '8'], {
    encoding: 'utf8', env: pythonEnv({ OMP_NUM_THREADS: '1' }), stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Rank 0's one line of JSON, prefixed by torchrun's tee with its process name.
  const line = output.split('\n').find((l) => l.startsWith('[default0]:{'))!;
  const printed = JSON.parse(line.slice(line.indexOf('{'))) as { losses: number[]; predictions: number[] };

  const back = await Sequential.load(outFile);
  const after = back.evaluate(x, labels).loss;
  expect(after).toBeLessThan(before * 0.95);
  expect(printed.losses.at(-1)!).toBeLessThan(printed.losses[0]!);
  expectClose(back.predict(x.subarray(0, 16 * 8)), printed.predictions, 1e-5, 1e-6, 'blastrain predictions of the DDP-trained model');
  expect(back.loss).toBe('categoricalCrossentropy');
  expect(back.optimizer!.options).toEqual(model.optimizer!.options);
  expect(back.optimizer!.stepCount).toBe(0);
  // And it trains on in blastrain.
  const history = await back.fit(x, labels, { epochs: 1 });
  expect(history.loss[0]).toBeLessThan(before);
}, 120_000);
