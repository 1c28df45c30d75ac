// Finite-difference gradient checks. The reference kernels run in float64, where central
// differences agree with the analytic gradient to ~1e-9, so a wrong sign, a missing factor or a
// dropped term shows up many orders above the tolerance. The native float32 path is checked
// against the same differences with a float32-sized tolerance.
import { describe, expect, test } from 'vitest';
import { Dense, SGD, Sequential } from '../lib/index';
import { networkBackward, networkForward, networkLoss, outputBlock, type Memory } from '../lib/backends/js/network';
import type { Floats } from '../lib/backends/js/kernels';
import {
  ACTIVATIONS, LOSS_BINARY_CROSSENTROPY, LOSS_CATEGORICAL_CROSSENTROPY, LOSS_MSE, Layout,
  type ActivationName, type LossName,
} from '../lib/layout';
import { Random } from '../lib/random';
import { expectClose } from './helpers';

const B = 5;

interface Case {
  name: string;
  inputSize: number;
  layers: { units: number; activation: ActivationName; leakyReluAlpha: number }[];
  loss: number;
  targets: 'dense' | 'labels' | 'soft';
}

function layer(units: number, activation: ActivationName) {
  return { units, activation, leakyReluAlpha: 0.1 };
}

function makeTargets(c: Case, random: Random): Float64Array | Int32Array {
  const K = c.layers[c.layers.length - 1]!.units;
  if (c.targets === 'labels') return Int32Array.from({ length: B }, () => Math.floor(random.next() * K));
  const y = new Float64Array(B * K);
  for (let b = 0; b < B; b++) {
    if (c.loss === LOSS_CATEGORICAL_CROSSENTROPY) {
      // one-hot rows, or soft rows that sum to 1
      if (c.targets === 'soft') {
        let sum = 0;
        for (let k = 0; k < K; k++) sum += (y[b * K + k] = random.next() + 0.1);
        for (let k = 0; k < K; k++) y[b * K + k] = y[b * K + k]! / sum;
      } else y[b * K + Math.floor(random.next() * K)] = 1;
    } else if (c.loss === LOSS_BINARY_CROSSENTROPY) {
      for (let k = 0; k < K; k++) y[b * K + k] = c.targets === 'soft' ? random.next() : random.next() < 0.5 ? 0 : 1;
    } else {
      for (let k = 0; k < K; k++) y[b * K + k] = random.uniform(1);
    }
  }
  return y;
}

function checkInFloat64(c: Case): void {
  const random = new Random(c.name.length * 977 + c.layers.length);
  const layout = new Layout(c.inputSize, c.layers, c.loss);
  const params = Float64Array.from({ length: layout.paramCount }, () => random.uniform(0.8));
  const memory: Memory = { layout, params, grads: new Float64Array(layout.paramCount), workspace: new Float64Array(layout.workspaceSize(B)) };
  const x = Float64Array.from({ length: B * c.inputSize }, () => random.uniform(1.5));
  const batch = { x, rows: null, start: 0, count: B };
  const targets = { data: makeTargets(c, random), rows: null, start: 0 };

  const lossAt = (): number => {
    networkForward(memory, outputBlock(memory, B), batch);
    return networkLoss(memory, targets, B, false);
  };
  networkForward(memory, outputBlock(memory, B), batch);
  networkLoss(memory, targets, B, true);
  networkBackward(memory, batch);

  const h = 1e-6;
  const numeric = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const saved = params[i]!;
    params[i] = saved + h;
    const plus = lossAt();
    params[i] = saved - h;
    const minus = lossAt();
    params[i] = saved;
    numeric[i] = (plus - minus) / (2 * h);
  }
  expect(memory.grads.some((g) => g !== 0)).toBe(true);
  expectClose(memory.grads as Floats, numeric, 1e-5, 1e-8, `${c.name} gradient`);
}

const hidden = ACTIVATIONS;
const cases: Case[] = [];
for (const h of hidden) {
  for (const out of ACTIVATIONS) cases.push({ name: `${h} → ${out} / mse`, inputSize: 4, layers: [layer(6, h), layer(3, out)], loss: LOSS_MSE, targets: 'dense' });
  for (const targets of ['dense', 'labels', 'soft'] as const) {
    cases.push({ name: `${h} → softmax / categoricalCrossentropy (${targets})`, inputSize: 4, layers: [layer(6, h), layer(3, 'softmax')], loss: LOSS_CATEGORICAL_CROSSENTROPY, targets });
  }
  for (const targets of ['dense', 'soft'] as const) {
    cases.push({ name: `${h} → sigmoid / binaryCrossentropy (${targets})`, inputSize: 4, layers: [layer(6, h), layer(2, 'sigmoid')], loss: LOSS_BINARY_CROSSENTROPY, targets });
  }
}
cases.push(
  { name: 'deep mixed / mse', inputSize: 5, layers: [layer(7, 'relu'), layer(6, 'tanh'), layer(5, 'leakyRelu'), layer(4, 'sigmoid'), layer(2, 'linear')], loss: LOSS_MSE, targets: 'dense' },
  { name: 'deep mixed / categoricalCrossentropy', inputSize: 3, layers: [layer(8, 'sigmoid'), layer(8, 'softmax'), layer(6, 'relu'), layer(4, 'softmax')], loss: LOSS_CATEGORICAL_CROSSENTROPY, targets: 'labels' },
  { name: 'deep mixed / binaryCrossentropy', inputSize: 6, layers: [layer(5, 'tanh'), layer(5, 'leakyRelu'), layer(3, 'sigmoid')], loss: LOSS_BINARY_CROSSENTROPY, targets: 'dense' },
  { name: 'single layer / mse', inputSize: 3, layers: [layer(2, 'linear')], loss: LOSS_MSE, targets: 'dense' },
);

describe('float64 reference kernels match central differences', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => checkInFloat64(c));
});

describe('native float32 gradients match central differences', () => {
  const combos: [ActivationName, LossName, ActivationName][] = [
    ['relu', 'mse', 'linear'],
    ['tanh', 'mse', 'sigmoid'],
    ['leakyRelu', 'mse', 'softmax'],
    ['sigmoid', 'categoricalCrossentropy', 'softmax'],
    ['softmax', 'binaryCrossentropy', 'sigmoid'],
    ['linear', 'mse', 'tanh'],
  ];
  test.each(combos)('%s hidden, %s loss, %s output', (hiddenAct, loss, outAct) => {
    const random = new Random(99);
    const model = new Sequential({ inputSize: 4, seed: 5, layers: [new Dense(5, { activation: hiddenAct }), new Dense(3, { activation: outAct })] });
    model.compile({ loss, optimizer: new SGD() });
    const x = Float32Array.from({ length: B * 4 }, () => random.uniform(1.5));
    const y = new Float32Array(B * 3);
    for (let b = 0; b < B; b++) y[b * 3 + (b % 3)] = 1;
    model.forward(x);
    model.backward(y);
    const analytic = model.grads.slice();
    const h = 1e-2;
    const numeric = analytic.map((_, i) => {
      const saved = model.params[i]!;
      model.params[i] = saved + h;
      const plus = model.evaluate(x, y).loss;
      model.params[i] = saved - h;
      const minus = model.evaluate(x, y).loss;
      model.params[i] = saved;
      return (plus - minus) / (2 * h);
    });
    expectClose(analytic, numeric, 2e-2, 2e-4, 'native gradient');
  });
});
