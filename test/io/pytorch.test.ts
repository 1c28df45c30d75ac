// PyTorch both ways, for real: a model trained in blastrain predicts the same in PyTorch
// (examples/pytorch/predict.py, the snippet the README shows), and a model trained in PyTorch
// (examples/pytorch/train.py) predicts the same in blastrain after loadWeights. Tolerance: both
// compute in float32, in different orders (OpenBLAS vs PyTorch's GEMMs), so outputs agree to a
// few units in the last place: 1e-5 relative, 1e-6 absolute for probabilities near 0.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Dense, Dropout, SGD, Sequential, writeTensors } from '../../lib/index';
import { expectClose, scratchDir } from '../helpers';
import { findPython, runPython } from '../python';

const python = findPython(['torch'], 'python3-torch');
const dir = scratchDir('torch');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const examples = path.join(__dirname, '..', '..', 'examples', 'pytorch');

const samples = 200;
const x = Float32Array.from({ length: 4 * samples }, (_, i) => Math.sin(i * 12.9898) * 0.5 + 0.5);
const labels = Float32Array.from({ length: samples }, (_, i) => {
  const [a, b, c] = x.subarray(4 * i, 4 * i + 3);
  return a! > b! && a! > c! ? 0 : b! > c! ? 1 : 2;
});

test('the README shows examples/pytorch/predict.py verbatim', () => {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(readme).toContain(readFileSync(path.join(examples, 'predict.py'), 'utf8').trim());
});

test.runIf(python)('blastrain → PyTorch: the same predictions from the saved file, for every activation and dropout', async () => {
  const model = new Sequential({
    inputSize: 4, seed: 3,
    layers: [
      new Dense(16, { activation: 'relu' }), new Dropout(0.2), new Dense(12, { activation: 'leakyRelu', leakyReluAlpha: 0.3 }),
      new Dense(10, { activation: 'tanh' }), new Dense(8, { activation: 'sigmoid' }), new Dense(6), new Dense(3, { activation: 'softmax' }),
    ],
  });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1, momentum: 0.9 }) });
  await model.fit(x, Int32Array.from(labels), { epochs: 20, batchSize: 16 });
  const file = path.join(dir, 'blastrain.safetensors');
  const data = path.join(dir, 'data.safetensors');
  await model.save(file, { optimizer: true });
  await writeTensors(data, { x: { data: x, shape: [samples, 4] } });
  const torch = runPython(python!, path.join(examples, 'predict.py'), [file, data], examples) as number[];
  expectClose(torch, model.predict(x), 1e-5, 1e-6, 'PyTorch predictions of the blastrain model');
});

test.runIf(python)('PyTorch → blastrain: a state_dict trained in PyTorch predicts the same after loadWeights', async () => {
  const data = path.join(dir, 'train.safetensors');
  const file = path.join(dir, 'torch.safetensors');
  await writeTensors(data, { x: { data: x, shape: [samples, 4] }, y: { data: labels, shape: [samples] } });
  const torch = runPython(python!, path.join(examples, 'train.py'), [data, file], examples) as number[];
  const model = new Sequential({ inputSize: 4, layers: [new Dense(16, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })] });
  expect(await model.loadWeights(file)).toEqual({ missing: [], unexpected: [] });
  expectClose(model.predict(x), torch, 1e-5, 1e-6, 'blastrain predictions of the PyTorch model');
  // It learned in PyTorch: most predictions are right.
  const predicted = model.predict(x);
  const correct = Array.from(labels).filter((label, i) => {
    const row = Array.from(predicted.subarray(3 * i, 3 * i + 3));
    return row.indexOf(Math.max(...row)) === label;
  }).length;
  expect(correct / samples).toBeGreaterThan(0.8);
});
