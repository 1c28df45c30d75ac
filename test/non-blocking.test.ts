// fit() off the event loop: timers keep firing, AbortSignal and stopTraining, busy errors,
// concurrent models, garbage collection and buffer transfers during fit, worker threads.
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import {
  AbortError, Dense, SGD, Sequential, setNumThreads, type Callbacks,
} from '../lib/index';
import { Random } from '../lib/random';
import { expectIdentical, randomFloats, spiral } from './helpers';

/** A model and data big enough that one fit takes a while. */
function busyWork(seed = 1, samples = 4096) {
  const random = new Random(seed);
  const x = randomFloats(random, samples * 256);
  const labels = Int32Array.from({ length: samples }, () => Math.floor(random.next() * 10));
  const model = new Sequential({ inputSize: 256, seed, layers: [new Dense(512, { activation: 'relu' }), new Dense(512, { activation: 'relu' }), new Dense(10, { activation: 'softmax' })] });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.01, momentum: 0.9 }) });
  return { model, x, labels };
}

const gc = (globalThis as { gc?: () => void }).gc;

describe('fit does not block the event loop', () => {
  test('an interval timer keeps firing during a fit that takes over a second', async () => {
    const { model, x, labels } = busyWork();
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 10);
    const started = performance.now();
    try {
      // As many epochs as fit in 1.2 s on this machine.
      const stopLate = { onEpochEnd: () => { if (performance.now() - started > 1200) model.stopTraining = true; } };
      await model.fit(x, labels, { epochs: 10_000, batchSize: 64, callbacks: stopLate });
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThan(1000);
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]!);
    // Loose bounds for a noisy 2-core machine: most ticks arrive, none waits long.
    expect(ticks.length).toBeGreaterThan(elapsed / 10 / 3);
    expect(Math.max(...gaps)).toBeLessThan(250);
  });
});

describe('cancelling', () => {
  test('an AbortSignal stops within a batch; the model keeps the last completed step and stays usable', async () => {
    const { model, x, labels } = busyWork(2);
    const controller = new AbortController();
    let batchesSeen = 0;
    setTimeout(() => controller.abort(new Error('client went away')), 150);
    const error = await model.fit(x, labels, { epochs: 50, batchSize: 64, signal: controller.signal, callbacks: { onBatchEnd: () => void batchesSeen++ } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'ABORT_ERR', name: 'AbortError' });
    expect((error as Error).message).toMatch(/aborted: client went away/);
    const steps = model.optimizer!.stepCount;
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(50 * 64);
    expect(batchesSeen).toBe(steps); // every applied batch was reported, nothing more
    expect(model.isTraining).toBe(false);
    // Usable afterwards: another fit and a step work.
    await model.fit(x.subarray(0, 64 * 256), labels.subarray(0, 64), { epochs: 1 });
    expect(Number.isFinite(model.trainStep(x.subarray(0, 256), labels.subarray(0, 1)))).toBe(true);
  });

  test('an already aborted signal rejects before any step', async () => {
    const { model, x, labels } = busyWork(3, 256);
    const before = model.params.slice();
    await expect(model.fit(x, labels, { signal: AbortSignal.abort() })).rejects.toThrow(AbortError);
    expectIdentical(model.params, before);
    expect(model.optimizer!.stepCount).toBe(0);
  });

  test('aborting from a callback stops at that point', async () => {
    const { x, labels } = spiral(50);
    const model = new Sequential({ inputSize: 2, layers: [new Dense(8, { activation: 'tanh' }), new Dense(3, { activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1 }) });
    const controller = new AbortController();
    const error = await model.fit(x, labels, {
      epochs: 10, batchSize: 10, signal: controller.signal,
      callbacks: { onEpochEnd: (epoch) => { if (epoch === 2) controller.abort(); } },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(model.optimizer!.stepCount).toBe(3 * 15);
  });

  test('model.stopTraining = true from a callback ends fit normally (Keras habit)', async () => {
    const { x, labels } = spiral(50);
    const model = new Sequential({ inputSize: 2, layers: [new Dense(8, { activation: 'tanh' }), new Dense(3, { activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1 }) });
    const history = await model.fit(x, labels, {
      epochs: 10, batchSize: 10,
      callbacks: { onEpochEnd: (epoch) => { if (epoch === 3) model.stopTraining = true; } },
    });
    expect(history.epoch).toEqual([0, 1, 2, 3]);
  });
});

describe('callbacks', () => {
  test('are called in order with their logs, and async ones are awaited', async () => {
    const { x, labels } = spiral(20); // 60 samples → 4 batches of 16, the last of 12
    const model = new Sequential({ inputSize: 2, layers: [new Dense(8, { activation: 'tanh' }), new Dense(3, { activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1 }) });
    const events: string[] = [];
    const sizes: number[] = [];
    const recorder: Callbacks = {
      onTrainBegin: () => void events.push('trainBegin'),
      onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
      onBatchEnd: async (b, logs) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        events.push(`batchEnd ${b}`);
        sizes.push(logs.size);
        expect(logs.loss).toBeGreaterThan(0);
        expect(logs.accuracy).toBeGreaterThanOrEqual(0);
      },
      onEpochEnd: (e, logs) => void events.push(`epochEnd ${e} ${logs.loss.toFixed(3)}`),
      onTrainEnd: (history) => void events.push(`trainEnd ${history.epoch.length}`),
    };
    const second: Callbacks = { onEpochEnd: (e) => void events.push(`second ${e}`) };
    const history = await model.fit(x, labels, { epochs: 2, batchSize: 16, shuffle: false, callbacks: [recorder, second] });
    const batchEvents = ['batchEnd 0', 'batchEnd 1', 'batchEnd 2', 'batchEnd 3'];
    expect(events).toEqual([
      'trainBegin',
      'epochBegin 0', ...batchEvents, `epochEnd 0 ${history.loss[0]!.toFixed(3)}`, 'second 0',
      'epochBegin 1', ...batchEvents, `epochEnd 1 ${history.loss[1]!.toFixed(3)}`, 'second 1',
      'trainEnd 2',
    ]);
    expect(sizes).toEqual([16, 16, 16, 12, 16, 16, 16, 12]);
  });

  test('bad callbacks are refused up front', async () => {
    const model = new Sequential({ inputSize: 2, layers: [new Dense(3, { activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD() });
    const x = new Float32Array(4);
    const y = new Int32Array(2);
    await expect(model.fit(x, y, { callbacks: { onEpochEnds: () => undefined } as never })).rejects.toThrow(/did you mean 'onEpochEnd'/);
    await expect(model.fit(x, y, { callbacks: { onEpochEnd: 3 } as never })).rejects.toThrow(/Expected function for callbacks.onEpochEnd/);
    await expect(model.fit(x, y, { signal: {} as never })).rejects.toThrow(/Expected AbortSignal for signal/);
  });
});

describe('concurrency and memory safety', () => {
  async function trainPair(concurrently: boolean) {
    const a = busyWork(5, 512);
    const b = busyWork(6, 512);
    const options = { epochs: 2, batchSize: 32 };
    if (concurrently) await Promise.all([a.model.fit(a.x, a.labels, options), b.model.fit(b.x, b.labels, options)]);
    else for (const m of [a, b]) await m.model.fit(m.x, m.labels, options);
    return [a.model.params, b.model.params] as const;
  }

  test('two models training at once give the same results as one after the other', async () => {
    const sequential = await trainPair(false);
    const concurrent = await trainPair(true);
    expectIdentical(concurrent[0], sequential[0]);
    expectIdentical(concurrent[1], sequential[1]);
  });

  test('fits, evaluations and predictions of several models at once, on 1 and on 2 BLAS threads, equal the same calls one after the other', async () => {
    // With more than one BLAS thread, jobs of GEMMs OpenBLAS threads (these: 32 × 256 × 512)
    // take turns natively; with one they run side by side. Either way each computes what it would alone.
    try {
      for (const threads of [1, 2]) {
        setNumThreads(threads);
        const run = async (concurrently: boolean) => {
          const work = [1, 2, 3, 4].map((seed) => busyWork(seed, 256));
          const call = async (w: ReturnType<typeof busyWork>) => {
            await w.model.fit(w.x, w.labels, { epochs: 2, batchSize: 32 });
            const result = await w.model.evaluateAsync(w.x, w.labels);
            return { params: w.model.params, predictions: await w.model.predictAsync(w.x, { batchSize: 64 }), loss: result.loss };
          };
          if (concurrently) return Promise.all(work.map(call));
          const out = [];
          for (const w of work) out.push(await call(w));
          return out;
        };
        const [alone, together] = [await run(false), await run(true)];
        together.forEach((t, i) => {
          expectIdentical(t.params, alone[i]!.params, `model ${i} params, ${threads} threads`);
          expectIdentical(t.predictions, alone[i]!.predictions, `model ${i} predictions, ${threads} threads`);
          expect(t.loss).toBe(alone[i]!.loss);
        });
      }
    } finally {
      setNumThreads('auto');
    }
  });

  /** Trains whole epochs for at least `ms` while `during` runs beside it; returns the epochs done. */
  async function trainFor(model: Sequential, x: Float32Array, labels: Int32Array, ms: number): Promise<number> {
    const started = performance.now();
    const stopLate = { onEpochEnd: () => { if (performance.now() - started > ms) model.stopTraining = true; } };
    return (await model.fit(x, labels, { epochs: 100_000, callbacks: stopLate })).epoch.length;
  }

  test('forced garbage collection during fit changes nothing', async () => {
    expect(gc, 'run with --expose-gc (vitest.config.ts)').toBeTypeOf('function');
    const stressed = busyWork(7, 512);
    const timer = setInterval(() => gc!(), 1);
    let epochs: number;
    try {
      // Only the model keeps its inputs alive here: the caller drops every other reference.
      epochs = await trainFor(stressed.model, stressed.x.slice(), Int32Array.from(stressed.labels), 300);
    } finally {
      clearInterval(timer);
    }
    const reference = busyWork(7, 512);
    await reference.model.fit(reference.x, reference.labels, { epochs });
    expectIdentical(stressed.model.params, reference.model.params);
  });

  test('transferring x to another thread during fit cannot take its memory away', async () => {
    const { model, x, labels } = busyWork(8, 512);
    const { port1, port2 } = new MessageChannel();
    let transferredWhileTraining = false;
    const transfer = setTimeout(() => {
      transferredWhileTraining = model.isTraining;
      try {
        port1.postMessage(x, [x.buffer as ArrayBuffer]); // Node 20 copies instead of transferring; Node ≥ 22 throws
      } catch (e) {
        expect((e as Error).name).toBe('DataCloneError');
      }
    }, 100);
    const epochs = await trainFor(model, x, labels, 300);
    clearTimeout(transfer);
    port1.close();
    port2.close();
    expect(transferredWhileTraining).toBe(true);
    expect(x.length).toBe(512 * 256);
    const reference = busyWork(8, 512);
    await reference.model.fit(reference.x, reference.labels, { epochs });
    expectIdentical(model.params, reference.model.params);
  });

  test('the addon loads and trains in two worker threads at once', async () => {
    const { x, labels } = spiral(40);
    const run = () =>
      new Promise<{ params: Float32Array; loss: number[]; error?: string }>((resolve, reject) => {
        const worker = new Worker(path.join(__dirname, 'fixtures', 'train-worker.cjs'), { workerData: { x, labels } });
        worker.once('message', (m: { params: Float32Array; loss: number[]; error?: string }) => {
          void worker.terminate();
          resolve(m);
        });
        worker.once('error', reject);
      });
    const [first, second] = await Promise.all([run(), run()]);
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    expectIdentical(first.params, second.params);
    expect(first.loss.at(-1)).toBeLessThan(first.loss[0]!);
    // The same training on the main thread gives the same parameters.
    const model = new Sequential({ inputSize: 2, seed: 5, layers: [new Dense(32, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1, momentum: 0.9 }) });
    await model.fit(x, labels, { epochs: 20, batchSize: 16 });
    expectIdentical(first.params, model.params);
  });

  test('setNumThreads during a fit of another model is safe', async () => {
    const { model, x, labels } = busyWork(9, 512);
    const running = model.fit(x, labels, { epochs: 2 });
    setNumThreads(1);
    setNumThreads(2);
    setNumThreads('auto');
    await running;
    expect(model.params.every(Number.isFinite)).toBe(true);
  });
});
