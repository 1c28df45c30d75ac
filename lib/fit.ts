// The fit loop: epochs of mini-batches run in chunks through Backend.trainBatchesAsync (off the
// main thread on the native backend), with callbacks, progress output, cancellation and the
// non-finite-loss stop between chunks.
import type { Backend, NetworkMemory } from './backend';
import type { BatchLogs, Callbacks, EpochLogs, History } from './callbacks';
import { AbortError, NonFiniteLossError } from './errors';
import type { TargetArray } from './native';
import type { Optimizer } from './optim/optimizer';
import type { Progress } from './progress';
import type { Random } from './random';

export interface FitRun {
  backend: Backend;
  memory: NetworkMemory;
  inputs: Float32Array;
  targets: TargetArray;
  samples: number;
  batchSize: number;
  epochs: number;
  shuffle: boolean;
  optimizer: Optimizer;
  random: Random;
  callbacks: readonly Callbacks[];
  signal: AbortSignal | undefined;
  progress: Progress | undefined;
  /** Accuracy from a correct-prediction count over `rows` samples, or undefined for mse. */
  accuracy(correct: number, rows: number): number | undefined;
  /** model.stopTraining, read between chunks. */
  stopRequested(): boolean;
}

/** Sizes chunks so each runs about `target` ms, from the time per batch seen so far. */
class ChunkSizer {
  private msPerBatch: number | undefined;
  constructor(private readonly target: number) {}

  next(remaining: number): number {
    if (this.msPerBatch === undefined) return 1;
    return Math.max(1, Math.min(remaining, Math.floor(this.target / Math.max(this.msPerBatch, 1e-6))));
  }

  record(batches: number, ms: number): void {
    if (batches > 0) this.msPerBatch = ms / batches;
  }
}

function abortError(signal: AbortSignal): AbortError {
  const reason: unknown = signal.reason;
  const detail = reason instanceof Error ? `: ${reason.message}` : reason === undefined ? '' : `: ${String(reason)}`;
  return new AbortError(`Training was aborted${detail}; the model keeps the weights of the last completed step`, { cause: reason });
}

async function each(callbacks: readonly Callbacks[], call: (c: Callbacks) => void | Promise<void>): Promise<void> {
  for (const c of callbacks) await call(c);
}

export async function runFit(run: FitRun): Promise<History> {
  const { backend, memory, inputs, targets, samples, batchSize, optimizer, callbacks, signal, progress } = run;
  const batches = Math.ceil(samples / batchSize);
  const order = run.shuffle ? Int32Array.from({ length: samples }, (_, i) => i) : null;
  const stats = new Float64Array(2 * batches);
  const control = new Int32Array(1);
  const sizer = new ChunkSizer(backend.chunkMilliseconds);
  const history: History = { epoch: [], loss: [] };
  // Tiny batches finish by the thousand per chunk: skip building their logs when nobody listens.
  const batchListeners = callbacks.filter((c) => c.onBatchEnd !== undefined);
  if (run.accuracy(0, 1) !== undefined) history.accuracy = [];

  const checkAborted = (): void => {
    if (signal?.aborted) throw abortError(signal);
  };
  const stop = (): void => {
    control[0] = 1; // the running chunk ends before its next batch
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    checkAborted();
    await each(callbacks, (c) => c.onTrainBegin?.());
    for (let epoch = 0; epoch < run.epochs && !run.stopRequested(); epoch++) {
      checkAborted();
      await each(callbacks, (c) => c.onEpochBegin?.(epoch));
      progress?.epochBegin();
      if (order !== null) run.random.shuffle(order);
      let lossSum = 0;
      let correct = 0;
      let rowsSeen = 0;
      for (let done = 0; done < batches && !run.stopRequested(); ) {
        checkAborted();
        const count = sizer.next(batches - done);
        const started = performance.now();
        const completed = await backend.trainBatchesAsync(memory, inputs, targets, order, batchSize, done, count, optimizer, stats, control);
        sizer.record(completed, performance.now() - started);
        optimizer.advance(completed);
        for (let i = 0; i < completed; i++) {
          const rows = Math.min(batchSize, samples - (done + i) * batchSize);
          lossSum += (stats[2 * i] as number) * rows;
          correct += stats[2 * i + 1] as number;
          rowsSeen += rows;
          if (batchListeners.length > 0) {
            const logs: BatchLogs = { loss: stats[2 * i] as number, size: rows };
            const accuracy = run.accuracy(stats[2 * i + 1] as number, rows);
            if (accuracy !== undefined) logs.accuracy = accuracy;
            await each(batchListeners, (c) => c.onBatchEnd?.(done + i, logs));
          }
        }
        done += completed;
        if (completed < count) {
          checkAborted();
          memory.grads.fill(0);
          throw new NonFiniteLossError(stats[2 * completed] as number, epoch + 1, done + 1);
        }
        progress?.batchesDone(epoch, done, epochLogs(run, lossSum, correct, rowsSeen));
      }
      if (rowsSeen === 0) break; // stopTraining was set before this epoch ran a batch
      const logs = epochLogs(run, lossSum, correct, rowsSeen);
      history.epoch.push(epoch);
      history.loss.push(logs.loss);
      if (logs.accuracy !== undefined) history.accuracy?.push(logs.accuracy);
      progress?.epochEnd(epoch, logs);
      await each(callbacks, (c) => c.onEpochEnd?.(epoch, logs));
    }
    await each(callbacks, (c) => c.onTrainEnd?.(history));
    return history;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

function epochLogs(run: FitRun, lossSum: number, correct: number, rows: number): EpochLogs {
  const logs: EpochLogs = { loss: lossSum / rows };
  const accuracy = run.accuracy(correct, rows);
  if (accuracy !== undefined) logs.accuracy = accuracy;
  return logs;
}
