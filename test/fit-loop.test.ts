// The fit loop itself (lib/train/fit.ts runFit) against a scripted backend and a scripted clock:
// how it sizes its chunks, which steps and batches each run gets, what the epoch logs sum, the
// order of the callbacks, how a refused batch, a stop and an abort end it. The real backends
// run the same loop in the other training tests.
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Backend } from '../lib/backend';
import { Dense, InvalidArgumentError, NonFiniteLossError, SGD, Sequential } from '../lib/index';
import { BATCH_LOSS, JOB_BAD_LABEL, JOB_DONE, JOB_NON_FINITE_LOSS, JOB_STOPPED, STATS_COMPLETED, STATS_HEADER, STATS_SAMPLE, STATS_STATUS, STATS_VALUE, type TrainRun } from '../lib/job';
import { LOSS_MSE, Layout } from '../lib/layout';
import { COUNTER_ABS_ERROR } from '../lib/metrics/counters';
import { Random } from '../lib/random';
import { ArrayFeed } from '../lib/train/feed';
import { runFit, trainOutcome, type FitRun } from '../lib/train/fit';
import { OneCycleLR, type LRSchedule } from '../lib/train/schedules';
import type { BatchLogs, Callbacks } from '../lib/train/callbacks';

// One linear output, mse, one metric counter pair (mae's): four doubles per batch.
const layout = new Layout(2, [{ units: 1, activation: 'linear', leakyReluAlpha: 0 }], LOSS_MSE, 0, [{ kind: COUNTER_ABS_ERROR, param: 0 }]);
const WIDTH = layout.batchStats;

let now = 0;
afterEach(() => vi.restoreAllMocks());

interface Job { firstBatch: number; batchCount: number; step: number; schedule: number[] | null }

/**
 * A backend whose batches each take `msPerBatch` on the scripted clock and report loss = the
 * batch's number in its epoch (1-based) and counters (1, 10); `script` may end a run otherwise.
 */
function scriptedBackend(msPerBatch = 2, script?: (run: TrainRun, stats: Float64Array, control: Int32Array) => Promise<boolean | void> | boolean | void) {
  const jobs: Job[] = [];
  const backend = {
    chunkMilliseconds: 10,
    running: false,
    async trainAsync(run: TrainRun, stats: Float64Array, control: Int32Array) {
      jobs.push({ firstBatch: run.firstBatch, batchCount: run.batchCount, step: run.step, schedule: run.schedule && Array.from(run.schedule) });
      now += msPerBatch * run.batchCount;
      for (let i = 0; i < run.batchCount; i++) {
        const at = STATS_HEADER + i * WIDTH;
        stats[at + BATCH_LOSS] = run.firstBatch + i + 1;
        stats[at + 2] = 1;
        stats[at + 3] = 10;
      }
      stats[STATS_STATUS] = JOB_DONE;
      stats[STATS_COMPLETED] = run.batchCount;
      await script?.(run, stats, control);
    },
  } as unknown as Backend;
  return { backend, jobs };
}

function fitRun(backend: Backend, overrides: Partial<FitRun> = {}, samples = 40, batchSize = 2): FitRun & { optimizer: SGD } {
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  return {
    backend, feed: new ArrayFeed(new Float32Array(2 * samples), new Float32Array(samples), samples, batchSize, false, new Random(1)),
    epochs: 2, optimizer: new SGD({ lr: 0.1 }), callbacks: [], signal: undefined, progress: undefined, layout,
    metricValues: (slots, at) => ({ count: slots[at + 2] as number, sum: slots[at + 3] as number }),
    stopRequested: () => false, zeroGrads: () => undefined, waitForReaders: async () => undefined,
    model: {} as FitRun['model'], schedule: undefined, gradNorm: false, validate: undefined,
    ...overrides,
  } as FitRun & { optimizer: SGD };
}

describe('chunks', () => {
  test('the first chunk is one batch; then as many as fill the backend\'s 10 ms at the time measured per batch, capped by the epoch', async () => {
    const { backend, jobs } = scriptedBackend(2);
    const run = fitRun(backend);
    await runFit(run);
    // 20 batches per epoch at 2 ms each: 1, then 10 / 2 = 5 per chunk.
    expect(jobs.map((j) => [j.firstBatch, j.batchCount, j.step])).toEqual([
      [0, 1, 0], [1, 5, 1], [6, 5, 6], [11, 5, 11], [16, 4, 16],
      [0, 5, 20], [5, 5, 25], [10, 5, 30], [15, 5, 35],
    ]);
    expect(run.optimizer.stepCount).toBe(40);
  });

  test('slower batches make smaller chunks, never below one batch', async () => {
    const { backend, jobs } = scriptedBackend(30);
    await runFit(fitRun(backend, { epochs: 1 }, 8));
    expect(jobs.map((j) => j.batchCount)).toEqual([1, 1, 1, 1]);
    const fast = scriptedBackend(0);
    await runFit(fitRun(fast.backend, { epochs: 1 }, 40));
    // A batch that took no measurable time: the whole rest of the epoch in one chunk.
    expect(fast.jobs.map((j) => j.batchCount)).toEqual([1, 19]);
  });

  test('a run that applied no batch leaves the measured time per batch as it was', async () => {
    let once = true;
    const { backend, jobs } = scriptedBackend(2, (run, stats) => {
      if (run.firstBatch !== 6 || !once) return;
      once = false;
      stats[STATS_STATUS] = JOB_STOPPED;
      stats[STATS_COMPLETED] = 0;
    });
    await runFit(fitRun(backend, { epochs: 1 }));
    expect(jobs.map((j) => [j.firstBatch, j.batchCount])).toEqual([[0, 1], [1, 5], [6, 5], [11, 5], [16, 4]]);
  });

  test('a per-batch schedule sends each chunk its rates and momenta, and leaves the optimizer at the next batch\'s', async () => {
    const { backend, jobs } = scriptedBackend(2);
    const schedule: LRSchedule = new OneCycleLR({ maxLr: 1, totalSteps: 20 });
    const sgd = new SGD({ lr: 0.1, momentum: 0.9 });
    await runFit(fitRun(backend, { epochs: 1, schedule, optimizer: sgd }));
    expect(jobs[1]!.schedule).toEqual([1, 2, 3, 4, 5].flatMap((s) => [schedule.lrAt(s, 0.1), schedule.momentumAt(s)]));
    expect(schedule.step).toBe(20);
    expect([sgd.lr, sgd.momentum]).toEqual([schedule.lrAt(20, 0.1), schedule.momentumAt(20)]);
  });
});

describe('logs and callbacks', () => {
  test('epoch logs: the loss averaged over rows (a short last batch weighs less), the counters summed; onBatchEnd per batch, indexed within its epoch', async () => {
    const { backend } = scriptedBackend(2);
    const seen: string[] = [];
    const batches: [number, BatchLogs][] = [];
    const listener: Callbacks = {
      setModel: () => seen.push('setModel'),
      onTrainBegin: () => void seen.push('trainBegin'),
      onEpochBegin: (e) => void seen.push(`epochBegin ${e}`),
      onBatchEnd: (b, logs) => void batches.push([b, { ...logs }]),
      onEpochEnd: (e, logs) => void seen.push(`epochEnd ${e} ${JSON.stringify(logs)}`),
      onTrainEnd: () => void seen.push('trainEnd'),
    };
    // A callback without onBatchEnd beside it is not called per batch.
    const history = await runFit(fitRun(backend, { callbacks: [listener, { onEpochEnd: () => undefined }], epochs: 1 }, 5, 2));
    // Batches of 2, 2 and 1 rows with losses 1, 2, 3: (2 + 4 + 3) / 5.
    expect(history).toEqual({ epoch: [0], loss: [9 / 5], lr: [0.1], count: [3], sum: [30] });
    expect(seen).toEqual(['setModel', 'trainBegin', 'epochBegin 0', `epochEnd 0 ${JSON.stringify({ loss: 9 / 5, count: 3, sum: 30, lr: 0.1 })}`, 'trainEnd']);
    expect(batches).toEqual([[0, { loss: 1, size: 2, count: 1, sum: 10 }], [1, { loss: 2, size: 2, count: 1, sum: 10 }], [2, { loss: 3, size: 1, count: 1, sum: 10 }]]);
  });

  test('without a batch listener no batch logs are built: metrics are read once per epoch', async () => {
    const { backend } = scriptedBackend(2);
    const run = fitRun(backend, { epochs: 3, callbacks: [{ onEpochEnd: () => undefined }] });
    const metricValues = vi.spyOn(run, 'metricValues');
    await runFit(run);
    expect(metricValues).toHaveBeenCalledTimes(3);
  });

  test('stopTraining set as an epoch begins ends training there: that epoch is not recorded', async () => {
    const { backend, jobs } = scriptedBackend(2);
    let stop = false;
    const ends: number[] = [];
    const history = await runFit(fitRun(backend, {
      epochs: 3, stopRequested: () => stop,
      callbacks: [{ onEpochBegin: (e) => void (stop = e === 1), onEpochEnd: (e) => void ends.push(e) }],
    }));
    expect(history.epoch).toEqual([0]);
    expect(ends).toEqual([0]);
    expect(jobs.every((j) => j.step < 20)).toBe(true);
  });
});

describe('how a run ends early', () => {
  test('a label that changed under training: an InvalidArgumentError naming it, gradients cleared, the batches before it applied', async () => {
    const zeroGrads = vi.fn();
    const { backend } = scriptedBackend(2, (run, stats) => {
      if (run.firstBatch !== 6) return;
      stats[STATS_STATUS] = JOB_BAD_LABEL;
      stats[STATS_COMPLETED] = 2;
      stats[STATS_SAMPLE] = 17;
      stats[STATS_VALUE] = 7;
    });
    const run = fitRun(backend, { zeroGrads });
    await expect(runFit(run)).rejects.toThrow(new InvalidArgumentError(
      'Expected class labels in [0, 0] for y but received 7 at sample 17 when training read it (the labels changed after fit checked them); that batch was not applied'));
    expect(zeroGrads).toHaveBeenCalledTimes(1);
    expect(run.optimizer.stepCount).toBe(8);
  });

  test('a non-finite loss names its epoch and its batch within the epoch', async () => {
    const { backend } = scriptedBackend(2, (run, stats) => {
      if (run.firstBatch !== 5 || run.step < 20) return;
      stats[STATS_STATUS] = JOB_NON_FINITE_LOSS;
      stats[STATS_COMPLETED] = 2;
      stats[STATS_HEADER + 2 * WIDTH + BATCH_LOSS] = Number.POSITIVE_INFINITY;
    });
    const error = await runFit(fitRun(backend)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    // Epoch 2 runs chunks of 5 from batch 0: the third batch of the second chunk is batch 8.
    expect(error).toMatchObject({ epoch: 2, batch: 8, loss: Number.POSITIVE_INFINITY });
  });

  test('an abort during a chunk asks the backend to stop; fit rejects with the reason and removes its listener', async () => {
    const controller = new AbortController();
    let seenControl = -1;
    const { backend } = scriptedBackend(2, async (run, stats, control) => {
      if (run.firstBatch !== 6) return;
      controller.abort('deadline');
      seenControl = control[0] as number;
      stats[STATS_STATUS] = JOB_STOPPED;
      stats[STATS_COMPLETED] = 1;
    });
    const signal = controller.signal;
    const listenersDuring: number[] = [];
    const run = fitRun(backend, { signal, callbacks: [{ onTrainBegin: () => void listenersDuring.push(getEventListeners(signal, 'abort').length) }] });
    const error = await runFit(run).catch((e: unknown) => e);
    expect(seenControl).toBe(1);
    expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: 'deadline', message: 'Training was aborted: deadline; the model keeps the weights of the last completed step' });
    expect(run.optimizer.stepCount).toBe(7);
    expect(listenersDuring).toEqual([1]);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  test('an abort reason that is an Error gives its message; a finished fit leaves no listener', async () => {
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    const { backend } = scriptedBackend(2);
    await expect(runFit(fitRun(backend, { signal: controller.signal }))).rejects.toThrow('Training was aborted: shutting down; the model keeps the weights of the last completed step');
    const done = new AbortController();
    await runFit(fitRun(scriptedBackend(2).backend, { signal: done.signal }));
    expect(getEventListeners(done.signal, 'abort')).toHaveLength(0);
  });
});

test("trainStep's outcome (no epoch) names neither an epoch nor a batch", () => {
  const stats = new Float64Array(STATS_HEADER + WIDTH);
  stats[STATS_STATUS] = JOB_NON_FINITE_LOSS;
  stats[STATS_HEADER + BATCH_LOSS] = Number.NaN;
  const { completed, error } = trainOutcome(stats, layout);
  expect(completed).toBe(0);
  expect(error).toMatchObject({ epoch: undefined, batch: undefined });
  expect((error as Error).message).toMatch(/^Loss became NaN in trainStep; /);
});

test('a plain async iterable (its iterator without return()) is read afresh every epoch', async () => {
  const model = new Sequential({ inputSize: 2, layers: [new Dense(1)] });
  model.compile({ loss: 'mse', optimizer: new SGD({ lr: 0.01 }) });
  let opened = 0;
  const source = {
    [Symbol.asyncIterator]() {
      opened++;
      let i = 0;
      return {
        next: async (): Promise<IteratorResult<{ x: Float32Array; y: Float32Array }>> =>
          (i++ < 3 ? { done: false, value: { x: Float32Array.of(1, 2), y: Float32Array.of(3) } } : { done: true, value: undefined }),
      };
    },
  };
  const history = await model.fit(source, { epochs: 2 });
  expect([history.epoch, opened, model.optimizer!.stepCount]).toEqual([[0, 1], 2, 6]);
});
