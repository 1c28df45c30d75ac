// Finite-difference gradient checks. The reference kernels run in float64, where central
// differences agree with the analytic gradient to ~1e-9, so a wrong sign, a missing factor or a
// dropped term shows up many orders above the tolerance. The native float32 path is checked
// against the same differences with a float32-sized tolerance.
import { describe, expect, test } from 'vitest';
import { Dense, SGD, Sequential } from '../lib/index';
import { networkBackward, networkForward, networkLoss, outputBlock, type Memory } from '../lib/backends/js/network';
import {
  ACTIVATIONS, LOSS_BINARY_CROSSENTROPY, LOSS_CATEGORICAL_CROSSENTROPY, LOSS_MSE, Layout,
  type ActivationName, type LossName,
} from '../lib/layout';
import { Random } from '../lib/random';
import { expectClose, numericGradient } from './helpers';

const B = 5;

interface Case {
  name: string;
  inputSize: number;
  layers: { units: number; activation: ActivationName; leakyReluAlpha: number }[];
  loss: number;
  /** soft: probability rows; unnormalized: positive rows that do not sum to 1 (the loss scales with their sum). */
  targets: 'dense' | 'labels' | 'soft' | 'unnormalized';
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
      if (c.targets === 'unnormalized') {
        for (let k = 0; k < K; k++) y[b * K + k] = random.next() + 0.2;
      } else if (c.targets === 'soft') {
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

/** ∂loss/∂params by the float64 reference kernels, and the loss as a function of the params. */
function reference(c: Case, params: Float64Array, x: Float64Array, data: Float64Array | Int32Array): { grads: Float64Array; lossAt: () => number } {
  const layout = new Layout(c.inputSize, c.layers, c.loss);
  const memory: Memory = { layout, params, grads: new Float64Array(layout.paramCount), workspace: new Float64Array(layout.workspaceSize(B)) };
  const batch = { x, rows: null, start: 0, count: B };
  const targets = { data, rows: null, start: 0 };
  networkForward(memory, outputBlock(memory, B), batch);
  networkLoss(memory, targets, B, true);
  networkBackward(memory, batch);
  const lossAt = (): number => {
    networkForward(memory, outputBlock(memory, B), batch);
    return networkLoss(memory, targets, B, false);
  };
  return { grads: memory.grads as Float64Array, lossAt };
}

function checkInFloat64(c: Case): void {
  const random = new Random(c.name.length * 977 + c.layers.length);
  const layout = new Layout(c.inputSize, c.layers, c.loss);
  const params = Float64Array.from({ length: layout.paramCount }, () => random.uniform(0.8));
  const x = Float64Array.from({ length: B * c.inputSize }, () => random.uniform(1.5));
  const { grads, lossAt } = reference(c, params, x, makeTargets(c, random));

  const numeric = numericGradient(lossAt, params);
  expect(grads.some((g) => g !== 0)).toBe(true);
  // Central differences in float64 with h = 1e-6: truncation h²·|f'''|/6 ≈ 1e-12 and round-off
  // ~1e-16/h ≈ 1e-10, so 1e-5 relative leaves orders of margin while a wrong factor or a
  // dropped term is off by 1e-1 or more.
  expectClose(grads, numeric, 1e-5, 1e-8, `${c.name} gradient`);
}

const hidden = ACTIVATIONS;
const cases: Case[] = [];
for (const h of hidden) {
  for (const out of ACTIVATIONS) cases.push({ name: `${h} → ${out} / mse`, inputSize: 4, layers: [layer(6, h), layer(3, out)], loss: LOSS_MSE, targets: 'dense' });
  for (const targets of ['dense', 'labels', 'soft', 'unnormalized'] as const) {
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

const LOSS_NAMES: Record<number, LossName> = {
  [LOSS_MSE]: 'mse', [LOSS_CATEGORICAL_CROSSENTROPY]: 'categoricalCrossentropy', [LOSS_BINARY_CROSSENTROPY]: 'binaryCrossentropy',
};

// Every case above on the native float32 kernels: every hidden activation × every output and
// loss pair, class-label, one-hot and soft targets, and the deep nets.
describe('native float32 gradients', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const random = new Random(c.name.length * 131 + 7);
    const model = new Sequential({
      inputSize: c.inputSize, seed: c.name.length,
      layers: c.layers.map((l) => new Dense(l.units, { activation: l.activation, leakyReluAlpha: l.leakyReluAlpha })),
    });
    model.compile({ loss: LOSS_NAMES[c.loss]!, optimizer: new SGD() });
    const x = Float32Array.from({ length: B * c.inputSize }, () => random.uniform(1.5));
    const data = makeTargets(c, random);
    const y = data instanceof Int32Array ? data : Float32Array.from(data);
    model.forward(x);
    model.backward(y);
    const native = model.grads.slice();

    // 1. The float64 reference gradient at the same (float32) weights and inputs. Both evaluate
    // the same expression; float32 round-off (6e-8 per operation) grows through two to five
    // layers of sums of up to 8 terms to about 1e-5 relative, so 1e-4 relative (plus 1e-6
    // absolute, for entries that cancel to near zero) holds with margin, while a wrong term,
    // slope or factor is off by far more.
    const { grads, lossAt } = reference(c, Float64Array.from(model.params), Float64Array.from(x), data);
    expectClose(native, grads, 1e-4, 1e-6, `${c.name}: native vs float64 gradient`);

    // 2. Central differences of the native float32 loss itself (model.evaluate), h = 1e-3, small
    // enough that no perturbation here crosses a ReLU kink: the float32 loss carries ~1e-7
    // round-off, about 1e-4 in the quotient, and the truncation error (h² times the third
    // derivative) is ~1e-7; 5e-3 relative and 5e-4 absolute cover that, while a gradient off by a
    // factor or a term misses by far more.
    const h = 1e-3;
    const numeric = native.map((_, i) => {
      const saved = model.params[i]!;
      model.params[i] = saved + h;
      const plus = model.evaluate(x, y).loss;
      model.params[i] = saved - h;
      const minus = model.evaluate(x, y).loss;
      model.params[i] = saved;
      return (plus - minus) / (2 * h);
    });
    expectClose(native, numeric, 5e-3, 5e-4, `${c.name}: native gradient vs central differences`);
    expect(lossAt()).toBeCloseTo(model.evaluate(x, y).loss, 5);
  });
});
