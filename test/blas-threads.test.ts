// BLAS threads: by default the first call of each matrix product large enough for OpenBLAS to
// spread over its threads times it on a scratch output, three calls at one thread and three at
// the maximum, and the faster is kept for the process (native/gemm.h); a fixed count turns that
// off. Which setting wins depends on the machine, so these tests check what was timed and when,
// and the results, never which count was chosen.
import { afterEach, describe, expect, test } from 'vitest';
import { Dense, SGD, Sequential, blasInfo, getNumThreads, setNumThreads, type BlasShape } from '../lib/index';
import { expectClose } from './helpers';

afterEach(() => setNumThreads('auto'));

// in 128 → hidden (ReLU) → 2 on batches of 16: with hidden ≥ 129 the first layer's forward
// (16 × 128 · 128 × hidden) and weight-gradient (hidden × 16 · 16 × 128) GEMMs are past OpenBLAS's
// one-thread limit (M·N·K > 262,144); everything of the second layer is far below it, and the
// first layer computes no input gradient. 53 batches per epoch. The choices are process-wide, so
// each test uses a width of its own.
const [inputs, batch, batches] = [128, 16, 53];
function problem(hidden: number) {
  const model = new Sequential({ inputSize: inputs, seed: 5, layers: [new Dense(hidden, { activation: 'relu' }), new Dense(2, { activation: 'softmax' })] });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.01 }) });
  const x = Float32Array.from({ length: batch * batches * inputs }, (_, i) => Math.sin(i));
  const labels = Int32Array.from({ length: batch * batches }, (_, i) => i % 2);
  return { model, x, labels };
}

const forward = (hidden: number) => ({ op: 'gemm', m: batch, n: hidden, k: inputs, transA: false, transB: true });
const weightGradient = (hidden: number) => ({ op: 'gemm', m: hidden, n: inputs, k: batch, transA: true, transB: false });
const shape = (s: BlasShape) => ({ op: s.op, m: s.m, n: s.n, k: s.k, transA: s.transA, transB: s.transB });
const shapesOf = (hidden: number) => blasInfo().shapes.filter((s) => s.m === hidden || s.n === hidden);

test('setNumThreads validates, fixes a count or goes back to the automatic default; blasInfo reports the mode', () => {
  const initial = getNumThreads();
  expect(blasInfo().automaticThreads).toBe(true);
  for (const bad of [0, 1025, 1.5, NaN, '2', 'Auto', null]) {
    expect(() => setNumThreads(bad as number)).toThrow(/^Expected integer between 1 and 1024 or 'auto' for threads but received /);
  }
  expect(() => setNumThreads(0)).toThrow("Expected integer between 1 and 1024 or 'auto' for threads but received 0 of type number");
  setNumThreads(1);
  expect(blasInfo()).toMatchObject({ threads: 1, automaticThreads: false });
  expect(getNumThreads()).toBe(1);
  setNumThreads('auto');
  expect(blasInfo()).toMatchObject({ threads: initial, automaticThreads: true });
});

describe.skipIf(getNumThreads() < 2)('the automatic mode (needs OpenBLAS to start with 2 or more threads)', () => {
  test('the first call of each threaded shape times both settings; the choice then stays', async () => {
    const { model, x, labels } = problem(160);
    expect(shapesOf(160)).toEqual([]);
    model.trainStep(x.subarray(0, batch * inputs), labels.subarray(0, batch)); // one call of each shape
    const decided = shapesOf(160);
    expect(decided.map(shape)).toEqual(expect.arrayContaining([forward(160), weightGradient(160)]));
    expect(decided).toHaveLength(2);
    for (const s of decided) {
      expect([1, getNumThreads()]).toContain(s.threads);
      expect(s.secondsOneThread).toBeGreaterThan(0);
      expect(s.secondsMaxThreads).toBeGreaterThan(0);
      expect(Math.max(s.secondsOneThread, s.secondsMaxThreads)).toBeLessThan(Infinity);
      expect(s.threads).toBe(s.secondsMaxThreads < s.secondsOneThread ? getNumThreads() : 1);
    }
    await model.fit(x, labels, { batchSize: batch, epochs: 3, shuffle: false });
    expect(shapesOf(160)).toEqual(decided);
  });

  test('one-row predictions time the GEMV of a layer past OpenBLAS\'s GEMV limit (M·N ≥ 9,216)', () => {
    const { model, x } = problem(170);
    model.predict(x.subarray(0, inputs));
    expect(shapesOf(170)).toHaveLength(1);
    expect(shapesOf(170)[0]).toMatchObject({ op: 'gemv', m: 170, n: inputs, k: 1, transA: false, transB: false });
  });

  test('a fixed count times nothing and keeps the automatic choices for when the mode is set again', async () => {
    const { model, x, labels } = problem(180);
    await model.fit(x, labels, { batchSize: batch, epochs: 1 });
    const chosen = shapesOf(180);
    expect(chosen).toHaveLength(2);
    setNumThreads(getNumThreads());
    const other = problem(190);
    await other.model.fit(other.x, other.labels, { batchSize: batch, epochs: 1 });
    expect(shapesOf(190)).toEqual([]);
    setNumThreads('auto');
    expect(shapesOf(180)).toEqual(chosen);
    await other.model.fit(other.x, other.labels, { batchSize: batch, epochs: 1 });
    expect(shapesOf(190)).toHaveLength(2);
  });

  test('runs repeat bit for bit in the automatic mode, and match every fixed count to float32 round-off', async () => {
    const run = async () => {
      const { model, x, labels } = problem(200);
      await model.fit(x, labels, { batchSize: batch, epochs: 3, shuffle: false });
      return model.params;
    };
    const first = await run(); // times the shapes on its first batch
    expect(await run()).toEqual(first); // the choices kept: the same counts, the same bits
    for (const threads of [1, getNumThreads()]) {
      setNumThreads(threads);
      // OpenBLAS splits a threaded GEMM's sums differently: over 159 steps the parameters
      // (|w| ≲ 0.1) drift apart by ~1e-7 (measured); a wrong product would be off by orders more.
      expectClose(await run(), first, 1e-4, 1e-6, `${threads} threads vs automatic`);
    }
  });
});
