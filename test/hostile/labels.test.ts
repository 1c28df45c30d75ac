// Defect 2: labels were checked when a chunk started but read later on the worker thread, so
// labels rewritten out of range during fit (or labels that are a view of model.params, changed
// by every update) were used unchecked: a segfault, or silent garbage for 255 / -1. Now each
// batch's labels are copied once and checked where the kernel reads them; a bad one ends fit
// with a typed error and that batch is not applied.
import { expect, test } from 'vitest';
import { expectSurvived, runProgram } from './program';

const SETUP = `
  const model = new lib.Sequential({ inputSize: 8, layers: [new lib.Dense(64, { activation: 'relu' }), new lib.Dense(10, { activation: 'softmax' })] });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new lib.SGD({ lr: 0.01 }) });
  const n = 40000;
  const x = new Float32Array(8 * n).map((_, i) => Math.sin(i));
`;

test.each([
  ['Int32Array', '2 ** 30'],
  ['Int32Array', '-(2 ** 31)'],
  ['Uint8Array', '255'],
  ['Int8Array', '-1'],
  ['Uint32Array', '2 ** 32 - 1'],
])('%s labels rewritten to %s by a timer during fit give a typed error, never a crash', async (kind, value) => {
  const result = await runProgram(`
    ${SETUP}
    const y = new ${kind}(n).map((_, i) => i % 10);
    const timer = setInterval(() => y.fill(${value}), 1);
    const outcome = await model.fit(x, y, { epochs: 50, batchSize: 16 }).then(() => 'finished', describeError);
    clearInterval(timer);
    report({ outcome, finite: model.params.every(Number.isFinite), grads: model.grads.every((g) => g === 0) });
  `);
  expectSurvived(result);
  const { outcome, finite, grads } = result.reports[0] as { outcome: { code: string; message: string; typed: boolean }; finite: boolean; grads: boolean };
  expect(outcome).toMatchObject({ typed: true, code: 'ERR_BLASTRAIN_INVALID_ARGUMENT' });
  expect(outcome.message).toMatch(/Expected class labels in \[0, 9\] for y but received -?\d+ at sample \d+ when training read it/);
  expect(finite).toBe(true);
  expect(grads).toBe(true); // the refused batch left no gradients behind
});

test('labels that are a view of model.params change with every update: typed error, never a crash', async () => {
  const result = await runProgram(`
    ${SETUP}
    // Bit pattern 3 (a denormal weight) reads as label 3 until the first update rewrites it.
    const y = new Int32Array(model.params.buffer, 0, 1000);
    y.fill(3);
    const outcome = await model.fit(x.subarray(0, 8 * 1000), y, { epochs: 5, batchSize: 32 }).then(() => 'finished', describeError);
    report({ outcome, finite: model.params.every(Number.isFinite) });
  `);
  expectSurvived(result);
  const { outcome, finite } = result.reports[0] as { outcome: { code: string; typed: boolean }; finite: boolean };
  expect(outcome).toMatchObject({ typed: true, code: 'ERR_BLASTRAIN_INVALID_ARGUMENT' });
  expect(finite).toBe(true);
});
