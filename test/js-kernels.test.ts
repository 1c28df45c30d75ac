// The TypeScript backend's kernels one at a time, in float64 on a few numbers: each backward
// kernel against central differences of its own forward (agreement ~1e-9, so a wrong sign,
// factor or index shows many orders above the tolerance), and values worked out by hand. The
// network-level checks (gradcheck.test.ts, the PyTorch vectors) cover how they compose; these
// fail within milliseconds, which keeps mutation testing of the kernels affordable.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  activationBackward, activationForward, clipGradients, denseBackward, denseForward, dropoutForward, dropoutUniform, mseLoss, sigmoid, sigmoidBceLoss,
  softmaxCrossentropyLoss, type Targets,
} from '../lib/backends/js/kernels';
import { optimizerStep } from '../lib/backends/js/optimizer';
import { Adam, AdamW, RMSprop, SGD, type Optimizer } from '../lib/index';
import { ACT_LEAKY_RELU, ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_SOFTMAX, ACT_TANH } from '../lib/layout';
import { Random } from '../lib/random';
import { expectClose, numericGradient } from './helpers';

const random = new Random(11);
const values = (n: number, scale = 1) => Float64Array.from({ length: n }, () => random.uniform(scale));

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe('dense', () => {
  test('forward by hand: y = x·Wᵀ + b', () => {
    const y = new Float64Array(4);
    // x (2×3), W (2×3), b (2)
    denseForward(y, Float64Array.of(1, 2, 3, -1, 0, 2), Float64Array.of(1, 0, -1, 0.5, 0.5, 0.5), Float64Array.of(0.25, -1), 2, 3, 2);
    expect(Array.from(y)).toEqual([1 - 3 + 0.25, 3 - 1, -1 - 2 + 0.25, 0.5 - 1]);
  });

  test('backward: dW, db accumulate and dx is overwritten, each the derivative of Σ dy ⊙ y', () => {
    const [B, C, OC] = [3, 4, 2];
    const x = values(B * C);
    const w = values(OC * C);
    const b = values(OC);
    const dy = values(B * OC);
    dy[1] = 0; // a zero gradient is skipped: the rest must still be right
    const objective = () => {
      const y = new Float64Array(B * OC);
      denseForward(y, x, w, b, B, C, OC);
      return dot(dy, y);
    };
    const [dw0, db0] = [values(OC * C), values(OC)];
    const [dw, db, dx] = [dw0.slice(), db0.slice(), values(B * C)];
    denseBackward(dx, dw, db, dy, x, w, B, C, OC);
    expectClose(dw.map((v, i) => v - dw0[i]!), numericGradient(objective, w), 1e-7, 1e-9, 'dW');
    expectClose(db.map((v, i) => v - db0[i]!), numericGradient(objective, b), 1e-7, 1e-9, 'db');
    expectClose(dx, numericGradient(objective, x), 1e-7, 1e-9, 'dx');
    const [dwFirst, dbFirst] = [dw0.slice(), db0.slice()];
    denseBackward(null, dwFirst, dbFirst, dy, x, w, B, C, OC); // the first layer: no dx
    expect(Array.from(dwFirst)).toEqual(Array.from(dw));
  });
});

describe('activations', () => {
  const [B, C] = [2, 5];
  test.each([
    ['linear', ACT_LINEAR],
    ['relu', ACT_RELU],
    ['leakyRelu', ACT_LEAKY_RELU],
    ['sigmoid', ACT_SIGMOID],
    ['tanh', ACT_TANH],
    ['softmax', ACT_SOFTMAX],
  ] as const)('%s: backward is the derivative of Σ d ⊙ f(z)', (_, act) => {
    const z = values(B * C, 2).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v)); // away from relu's kink
    const d = values(B * C);
    const objective = () => {
      const y = z.slice();
      activationForward(y, B, C, act, 0.2);
      return dot(d, y);
    };
    const y = z.slice();
    activationForward(y, B, C, act, 0.2);
    const grad = d.slice();
    activationBackward(grad, y, B, C, act, 0.2);
    expectClose(grad, numericGradient(objective, z), 1e-7, 1e-9, 'dz');
  });

  test('forward by hand', () => {
    const run = (act: number, z: number[]) => {
      const y = Float64Array.from(z);
      activationForward(y, 1, z.length, act, 0.2);
      return Array.from(y);
    };
    expect(run(ACT_RELU, [-2, 0, 3])).toEqual([0, 0, 3]);
    expect(run(ACT_LEAKY_RELU, [-2, 0, 3])).toEqual([-0.4, 0, 3]);
    expect(run(ACT_LINEAR, [-2, 3])).toEqual([-2, 3]);
    expect(run(ACT_TANH, [0.5])).toEqual([Math.tanh(0.5)]);
    expectClose(run(ACT_SOFTMAX, [0, Math.log(3)]), [0.25, 0.75], 1e-15, 0);
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-800)).toBe(0); // no overflow either way
    expect(sigmoid(800)).toBe(1);
    expectClose([sigmoid(-2), sigmoid(2)], [1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(-2))], 1e-15, 0);
  });
});

describe('losses', () => {
  const [B, K] = [3, 4];
  // Targets read through a row order from an offset, as fit's shuffled batches read them.
  const rows = Int32Array.of(9, 2, 0, 1, 9);
  const at = (data: Targets['data']): Targets => ({ data, rows, start: 1 });

  test.each([
    ['mse', mseLoss, values(3 * K)],
    ['softmax cross-entropy, soft rows', softmaxCrossentropyLoss, values(3 * K).map((v) => Math.abs(v))],
    ['softmax cross-entropy, labels', softmaxCrossentropyLoss, Int32Array.of(3, 0, 2)],
    ['sigmoid binary cross-entropy', sigmoidBceLoss, values(3 * K).map((v) => Math.abs(v))],
  ] as const)('%s: the gradient is the derivative of the loss', (_, loss, targets) => {
    const logits = values(B * K, 3);
    const t = at(targets);
    const grad = new Float64Array(B * K);
    const value = loss(grad, logits, t, B, K);
    expect(loss(null, logits, t, B, K)).toBe(value);
    expectClose(grad, numericGradient(() => loss(null, logits, t, B, K), logits), 1e-7, 1e-9, 'dlogits');
  });

  test('values by hand', () => {
    const first = (data: Targets['data']): Targets => ({ data, rows: null, start: 0 });
    expect(mseLoss(null, Float64Array.of(1, 2), first(Float64Array.of(0, 0)), 1, 2)).toBe(2.5);
    expect(mseLoss(null, Float64Array.of(1, 2, 0, 0), first(Float64Array.of(9, 9, 0, 4)), 2, 2)).toBe((64 + 49 + 0 + 16) / 4);
    // ln(1 + 3) − ln 3 for the second class of logits (0, ln 3)
    expect(softmaxCrossentropyLoss(null, Float64Array.of(0, Math.log(3)), first(Int32Array.of(1)), 1, 2)).toBeCloseTo(Math.log(4 / 3), 14);
    expect(softmaxCrossentropyLoss(null, Float64Array.of(0, Math.log(3)), first(Float64Array.of(1, 0)), 1, 2)).toBeCloseTo(Math.log(4), 14);
    expect(sigmoidBceLoss(null, Float64Array.of(0, 0), first(Float64Array.of(1, 0)), 1, 2)).toBeCloseTo(Math.log(2), 15);
    expect(sigmoidBceLoss(null, Float64Array.of(800), first(Float64Array.of(0)), 1, 1)).toBe(800); // stable for large logits
  });
});

test('clipGradients returns the norm before clipping, scales to maxNorm, then clamps to maxValue', () => {
  const g = Float64Array.of(3, -4);
  expect(clipGradients(g, 0, 0)).toBe(5);
  expect(Array.from(g)).toEqual([3, -4]);
  expect(clipGradients(g, 1, 0)).toBe(5);
  // torch.nn.utils.clip_grad_norm_: factor max_norm / (norm + 1e-6), applied in float32.
  const factor = Math.fround(1 / (5 + 1e-6));
  expect(Array.from(g)).toEqual([3 * factor, -4 * factor]);
  const h = Float64Array.of(3, -4, 0.25);
  expect(clipGradients(h, 10, 0.5)).toBeCloseTo(Math.sqrt(25.0625), 14); // under the norm: only the clamp
  expect(Array.from(h)).toEqual([0.5, -0.5, 0.25]);
});

test('dropout keeps a unit with probability 1 − rate, scaled by 1 / (1 − rate), the same mask for the same key', () => {
  const [B, C, rate] = [64, 64, 0.25];
  const x = new Float64Array(B * C).fill(1);
  const y = new Float64Array(B * C);
  const key = { seed: 42, step: 3, layer: 1 };
  dropoutForward(y, x, B, C, rate, key);
  const kept = y.filter((v) => v !== 0);
  expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
  expect(Math.abs(kept.length / (B * C) - 0.75)).toBeLessThan(0.03); // 4,096 draws: 3 % is over four standard deviations
  const again = new Float64Array(B * C);
  dropoutForward(again, x, B, C, rate, key);
  expect(Array.from(again)).toEqual(Array.from(y));
  const next = new Float64Array(B * C);
  dropoutForward(next, x, B, C, rate, { ...key, step: 4 });
  expect(Array.from(next)).not.toEqual(Array.from(y));
  // A unit whose draw equals the rate exactly is kept (u ≥ rate: P(keep) = 1 − rate for draws in
  // multiples of 2^-24); the draw is a float32, so it can be the rate itself.
  const u = dropoutUniform(key, 0, 0);
  const one = new Float64Array(1);
  dropoutForward(one, Float64Array.of(1), 1, 1, u, key);
  expect(one[0]).toBe(Math.fround(1 / Math.fround(1 - u)));
});

// PyTorch's own steps in float64 (scripts/generate-vectors.py → fixtures/optimizer-steps.json):
// every documented option, four updates each, through the same dispatch training uses. Both sides
// compute the same formulas in float64 in a different order, so they agree to a few ulps of the
// O(1) parameters (measured worst: under 1e-15); 1e-13 leaves round-off room and nothing else —
// a wrong constant, bias correction or state slot is off by 1e-4 or more.
interface StepCase { optimizer: { type: string } & Record<string, number | boolean | string>; params0: number[]; grads: number[][]; params: number[][] }
const stepCases = (JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'optimizer-steps.json'), 'utf8')) as { cases: StepCase[] }).cases;
const optimizerClasses: Record<string, (options: object) => Optimizer> = {
  sgd: (o) => new SGD(o), adam: (o) => new Adam(o), adamw: (o) => new AdamW(o), rmsprop: (o) => new RMSprop(o),
};

test.each(stepCases.map((c) => [JSON.stringify(c.optimizer), c] as const))('optimizer steps match PyTorch: %s', (_, c) => {
  const { type, ...options } = c.optimizer;
  const optimizer = optimizerClasses[type]!(options);
  const params = Float64Array.from(c.params0);
  const state = new Float64Array(optimizer.stateNames.length * params.length);
  const ref = { kind: optimizer.kind, hyper: optimizer.hyper, state: state as unknown as Float32Array };
  c.grads.forEach((grads, step) => {
    optimizerStep(ref, step, params, Float64Array.from(grads));
    expectClose(params, c.params[step]!, 0, 1e-13, `params after step ${step + 1}`);
  });
});
