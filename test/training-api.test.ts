// The training API around the kernels: step-by-step vs fused steps, optimizer state
// save/resume, seeded reproducibility, verbose output, full-batch training.
import { describe, expect, test, vi } from 'vitest';
import { Dense, InvalidArgumentError, SGD, Sequential, ShapeError, blasInfo, setNumThreads, getNumThreads } from '../lib/index';
import { nativeBinaryPath } from '../lib/native';
import { Random } from '../lib/random';
import { expectClose, randomFloats, spiral } from './helpers';

describe.each(['native', 'js'] as const)('training API (%s backend)', (backend) => {
  function model(seed = 4, sgd = { lr: 0.05, momentum: 0.9, weightDecay: 0.001 }) {
    const m = new Sequential({ inputSize: 2, seed, backend, layers: [new Dense(16, { activation: 'tanh' }), new Dense(3, { activation: 'softmax' })] });
    m.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD(sgd) });
    return m;
  }
  const { x, labels } = spiral(30);

  test('forward + backward + optimizer.step + zeroGrad is exactly trainStep', () => {
    const [stepwise, fused] = [model(), model()];
    for (let i = 0; i < 5; i++) {
      const xb = x.subarray(i * 20, i * 20 + 20);
      const yb = labels.subarray(i * 10, i * 10 + 10);
      stepwise.optimizer!.zeroGrad();
      stepwise.forward(xb);
      const loss = stepwise.backward(yb);
      stepwise.optimizer!.step();
      expect(fused.trainStep(xb, yb)).toBe(loss);
      expect(stepwise.params).toEqual(fused.params);
    }
    expect(stepwise.optimizer!.stepCount).toBe(5);
    expect(fused.optimizer!.stepCount).toBe(5);
  });

  test('computeLoss gives the loss of the last forward without touching gradients', () => {
    const m = model();
    m.forward(x);
    const loss = m.computeLoss(labels);
    expect(m.grads.every((g) => g === 0)).toBe(true);
    expect(m.backward(labels)).toBe(loss);
    expect(loss).toBeCloseTo(m.evaluate(x, labels).loss, 6);
  });

  test('backward accumulates until zeroGrad, as in PyTorch', () => {
    const m = model();
    m.forward(x);
    m.backward(labels);
    const once = m.grads.slice();
    m.forward(x);
    m.backward(labels);
    // Same values added twice; only the float32 summation order differs.
    expectClose(m.grads, once.map((g) => 2 * g), 1e-5, 1e-7, 'accumulated grads');
    m.zeroGrad();
    expect(m.grads.every((g) => g === 0)).toBe(true);
  });

  test('stateDict / loadStateDict resume training exactly', async () => {
    const straight = model();
    await straight.fit(x, labels, { epochs: 4, batchSize: 16, shuffle: false });

    const first = model();
    await first.fit(x, labels, { epochs: 2, batchSize: 16, shuffle: false });
    const checkpoint = { params: first.params.slice(), optimizer: first.optimizer!.stateDict() };
    expect(checkpoint.optimizer).toMatchObject({ type: 'sgd', step: 2 * Math.ceil(90 / 16), options: { lr: 0.05, momentum: 0.9, weightDecay: 0.001, dampening: 0, nesterov: false } });
    first.optimizer!.stateBuffer('momentumBuffer').fill(123); // the checkpoint is a copy
    expect(checkpoint.optimizer.state.momentumBuffer!.some((v) => v === 123)).toBe(false);

    const resumed = model(99, { lr: 1, momentum: 0, weightDecay: 0 });
    resumed.params.set(checkpoint.params);
    resumed.optimizer!.loadStateDict(checkpoint.optimizer);
    expect((resumed.optimizer as SGD).momentum).toBe(0.9);
    await resumed.fit(x, labels, { epochs: 2, batchSize: 16, shuffle: false });
    expect(resumed.params).toEqual(straight.params);
    expect(resumed.optimizer!.stepCount).toBe(straight.optimizer!.stepCount);
  });

  test('loadStateDict rejects a mismatched dict and leaves the optimizer as it was', () => {
    const m = model();
    m.trainStep(x, labels);
    const good = m.optimizer!.stateDict();
    expect(() => m.optimizer!.loadStateDict({ ...good, type: 'adam' })).toThrow(InvalidArgumentError);
    expect(() => m.optimizer!.loadStateDict({ ...good, state: { momentumBuffer: new Float32Array(3) } })).toThrow(ShapeError);
    expect(() => m.optimizer!.loadStateDict({ ...good, options: { ...good.options, lr: -1 } })).toThrow(/for lr but received -1/);
    expect(m.optimizer!.stateDict()).toEqual(good);
  });

  test('lr can change between steps (what schedules will do)', () => {
    const [a, b] = [model(), model()];
    a.optimizer!.lr = 0;
    const before = a.params.slice();
    a.trainStep(x, labels);
    b.trainStep(x, labels);
    // lr 0 leaves parameters alone (weight decay is scaled by lr too).
    expect(a.params).toEqual(before);
    expect(b.params).not.toEqual(before);
  });

  test('the same seed gives bit-identical training, a different seed does not', async () => {
    setNumThreads(1);
    try {
      const runs = [model(8), model(8), model(9)];
      const histories = [];
      for (const m of runs) histories.push(await m.fit(x, labels, { epochs: 3, batchSize: 8, shuffle: true }));
      expect(runs[0]!.params).toEqual(runs[1]!.params);
      expect(histories[0]).toEqual(histories[1]);
      expect(runs[0]!.params).not.toEqual(runs[2]!.params);
    } finally {
      setNumThreads('auto');
    }
  });

  test('full-batch gradient descent: batchSize ≥ samples is one update per epoch', async () => {
    const m = model();
    const history = await m.fit(x, labels, { epochs: 5, batchSize: 10_000 });
    expect(m.optimizer!.stepCount).toBe(5);
    expect(history.loss[4]).toBeLessThan(history.loss[0]!);
  });

  test('verbose: 1 prints one line per epoch, 0 prints nothing', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await model().fit(x, labels, { epochs: 3, verbose: 1 });
      const lines = write.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(3);
      expect(lines[2]).toMatch(/^Epoch 3\/3 - \d+\.\d\ds - [\d,]+ samples\/s - loss \d+\.\d{6} - accuracy \d\.\d{4}\n$/);
      write.mockClear();
      await model().fit(x, labels, { epochs: 2 });
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });

  test('verboseStream takes the verbose output instead of stdout; anything without write() is refused', async () => {
    const lines: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await model().fit(x, labels, { epochs: 2, verbose: 1, verboseStream: { write: (s: string) => lines.push(s) > 0 } as unknown as NodeJS.WritableStream });
      expect(stdout).not.toHaveBeenCalled();
    } finally {
      stdout.mockRestore();
    }
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^Epoch 2\/2 - /);
    await expect(model().fit(x, labels, { verbose: 1, verboseStream: 'stderr' as unknown as NodeJS.WritableStream })).rejects.toThrow(
      new InvalidArgumentError("Expected writable stream for verboseStream but received 'stderr' of type string"));
    // A stream whose write throws stops fit with that error, as a throwing callback does; the model stays usable.
    const m = model();
    const failing = { write: () => { throw new Error('disk full'); } } as unknown as NodeJS.WritableStream;
    await expect(m.fit(x, labels, { epochs: 2, verbose: 1, verboseStream: failing })).rejects.toThrow('disk full');
    await m.fit(x, labels, { epochs: 1 });
    expect(m.optimizer!.stepCount).toBeGreaterThan(0);
  });

  test('every fit option is checked with a message naming it', async () => {
    const m = model();
    const refused: [Record<string, unknown>, string][] = [
      [{ epochs: 0 }, 'Expected positive integer for epochs but received 0 of type number'],
      [{ batchSize: 1.5 }, 'Expected positive integer for batchSize but received 1.5 of type number'],
      [{ verbose: 2 }, 'Expected 0 or 1 for verbose but received 2 of type number'],
      [{ signal: {} }, 'Expected AbortSignal for signal but received Object'],
      [{ lrSchedule: { step: 0 } }, 'Expected schedule such as new StepLR({ stepSize: 10 }) for lrSchedule but received Object'],
      [{ logGradNorm: 1 }, 'Expected boolean for logGradNorm but received 1 of type number'],
      [{ validationBatchSize: 0 }, 'Expected positive integer for validationBatchSize but received 0 of type number'],
      [{ shuffle: 'yes' }, "Expected boolean for shuffle but received 'yes' of type string"],
      [{ epoch: 2 }, "Unknown option 'epoch' in fit options; did you mean 'epochs'?"],
    ];
    for (const [options, message] of refused) {
      const error = (await m.fit(x, labels, options as never).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message.startsWith(message)).toBe(true);
    }
    expect(m.optimizer!.stepCount).toBe(0);
    // Defaults: one epoch of batches of 32.
    await m.fit(x, labels);
    expect(m.optimizer!.stepCount).toBe(Math.ceil(labels.length / 32));
  });

  test('number[][] inputs and number[] labels are converted once and train the same', async () => {
    const rows = Array.from({ length: 90 }, (_, i) => [x[2 * i]!, x[2 * i + 1]!]);
    const [typed, plain] = [model(), model()];
    await typed.fit(x, labels, { epochs: 2 });
    await plain.fit(rows, Array.from(labels), { epochs: 2 });
    expect(plain.params).toEqual(typed.params);
  });
});

test('blasInfo describes the BLAS, its threads and the binary (setNumThreads: blas-threads.test.ts)', () => {
  const info = blasInfo();
  expect(info).toEqual({
    config: expect.stringMatching(/^OpenBLAS \d+\.\d+\.\d+/), corename: expect.any(String), threads: getNumThreads(), automaticThreads: true,
    shapes: expect.any(Array), processors: expect.any(Number), parallel: expect.any(Number), arch: process.arch, binary: nativeBinaryPath(),
  });
  expect(info.processors).toBeGreaterThanOrEqual(1);
  expect(info.threads).toBeGreaterThanOrEqual(1);
  expect(info.binary).toMatch(/[\\/]blastrain\.node$/);
  expect([0, 1, 2]).toContain(info.parallel);
});

test('shuffled mini-batches are gathered from the user array in place (x is not modified)', async () => {
  const random = new Random(3);
  const xs = randomFloats(random, 40 * 3);
  const copy = xs.slice();
  const m = new Sequential({ inputSize: 3, layers: [new Dense(2)] });
  m.compile({ loss: 'mse', optimizer: new SGD({ lr: 0.1 }) });
  await m.fit(xs, randomFloats(random, 80), { epochs: 2, batchSize: 7, shuffle: true });
  expect(xs).toEqual(copy);
});
