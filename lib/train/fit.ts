// The fit loop: epochs of mini-batches run in chunks through Backend.trainBatchesAsync (off the
// main thread on the native backend), with callbacks, progress output, cancellation and the
// non-finite-loss stop between chunks.
import type { Backend } from '../backend';
import { recordEpoch, type BatchLogs, type CallbackModel, type Callbacks, type EpochLogs, type History } from './callbacks';
import { AbortError, InvalidArgumentError, NonFiniteLossError, type BlastrainError } from '../errors';
import {
  BATCH_COUNTERS, BATCH_GRAD_NORM, BATCH_LOSS, JOB_BAD_LABEL, JOB_NON_FINITE_GRADIENT, JOB_NON_FINITE_LOSS,
  STATS_COMPLETED, STATS_HEADER, STATS_SAMPLE, STATS_STATUS, STATS_VALUE, statsFor,
} from '../job';
import type { Optimizer } from '../optim/optimizer';
import type { BatchFeed } from './feed';
import type { Progress } from './progress';
import type { LRSchedule } from './schedules';
import type { Layout } from '../layout';
import { validationKey } from '../metrics/metrics';

export interface FitRun {
  backend: Backend;
  /** The batches of every epoch: in-memory arrays or a stream. */
  feed: BatchFeed;
  epochs: number;
  optimizer: Optimizer;
  callbacks: readonly Callbacks[];
  signal: AbortSignal | undefined;
  progress: Progress | undefined;
  /** Where each batch's stats are (batchStats doubles each). */
  layout: Layout;
  /** Each compiled metric's value from one batch's stats (or summed ones) at `at` in slots. */
  metricValues(slots: Float64Array, at: number): Record<string, number>;
  /** model.stopTraining, read between chunks. */
  stopRequested(): boolean;
  /** Clears the gradients a refused batch left behind. */
  zeroGrads(): void;
  /** Resolves once no save started from a callback is still reading the model's buffers. */
  waitForReaders(): Promise<void>;
  /** The model, for callbacks (setModel). */
  model: CallbackModel;
  /** The learning-rate schedule, if any. */
  schedule: LRSchedule | undefined;
  /** Report each batch's gradient norm (before clipping) in the batch logs. */
  gradNorm: boolean;
  /** Mean loss and metrics on held-out data, after each epoch; undefined without validation data. */
  validate: (() => Promise<Record<string, number>>) | undefined;
}

/** Sets the optimizer's rate (and momentum, for schedules that cycle it) to the schedule's at `step`. */
function applySchedule(schedule: LRSchedule, optimizer: Optimizer, step: number): void {
  optimizer.lr = schedule.lrAt(step, schedule.baseLr as number);
  const momentum = schedule.momentumAt(step);
  if (!Number.isNaN(momentum)) optimizer.setMomentum(momentum);
}

/** The rates (and momenta, NaN to keep) of `count` batches from scheduler step `first`, as the native loop reads them. */
function batchSchedule(schedule: LRSchedule, first: number, count: number): Float64Array {
  const out = new Float64Array(2 * count);
  // Stryker disable next-line EqualityOperator: one more pass writes past the end of a Float64Array, which ignores it
  for (let i = 0; i < count; i++) {
    out[2 * i] = schedule.lrAt(first + i, schedule.baseLr as number);
    out[2 * i + 1] = schedule.momentumAt(first + i);
  }
  return out;
}

/**
 * How a run of batches ended, from its stats header: the batches applied, and the typed error
 * for a batch that was refused (1-based epoch and batch numbers when fit ran it).
 */
export function trainOutcome(
  stats: Float64Array, layout: Layout, epoch?: number, firstBatch = 0,
): { completed: number; error: BlastrainError | undefined } {
  const outputs = layout.outputs;
  const completed = stats[STATS_COMPLETED] as number;
  const loss = stats[STATS_HEADER + completed * layout.batchStats + BATCH_LOSS] as number;
  const batch = epoch === undefined ? undefined : firstBatch + completed + 1;
  switch (stats[STATS_STATUS]) {
    case JOB_NON_FINITE_LOSS:
      return { completed, error: new NonFiniteLossError(loss, epoch, batch) };
    case JOB_NON_FINITE_GRADIENT:
      return { completed, error: new NonFiniteLossError(loss, epoch, batch, 'gradient') };
    case JOB_BAD_LABEL:
      return {
        completed,
        error: new InvalidArgumentError(
          `Expected class labels in [0, ${outputs - 1}] for y but received ${stats[STATS_VALUE]} at sample ` +
            `${stats[STATS_SAMPLE]} when training read it (the labels changed after fit checked them); that batch was not applied`,
        ),
      };
    default:
      return { completed, error: undefined };
  }
}

/**
 * Sizes chunks so each runs about `target` ms, from the time per batch seen so far (the feed
 * caps a chunk at the batches left in the epoch).
 */
class ChunkSizer {
  private msPerBatch: number | undefined;
  constructor(private readonly target: number) {}

  next(): number {
    if (this.msPerBatch === undefined) return 1;
    return Math.max(1, Math.floor(this.target / Math.max(this.msPerBatch, 1e-6)));
  }

  record(batches: number, ms: number): void {
    if (batches > 0) this.msPerBatch = ms / batches;
  }
}

/** The abort's reason in the message (an AbortSignal always has one: abort() without it gives a DOMException). */
function abortError(signal: AbortSignal): AbortError {
  const reason: unknown = signal.reason;
  const detail = reason instanceof Error ? reason.message : String(reason);
  return new AbortError(`Training was aborted: ${detail}; the model keeps the weights of the last completed step`, { cause: reason });
}

async function each(callbacks: readonly Callbacks[], call: (c: Callbacks) => void | Promise<void>): Promise<void> {
  for (const c of callbacks) await call(c);
}

export async function runFit(run: FitRun): Promise<History> {
  const { backend, feed, optimizer, callbacks, signal, progress, schedule } = run;
  const width = run.layout.batchStats;
  // A run is at most an epoch's batches (a stream's: one).
  const stats = statsFor(feed.batches ?? 1, width);
  /** The epoch's loss (summed over rows) and metric counters, summed over its batches. */
  const epochSums = new Float64Array(width);
  const control = new Int32Array(1);
  const sizer = new ChunkSizer(backend.chunkMilliseconds);
  const history: History = { epoch: [], loss: [], lr: [] };
  if (schedule !== undefined) schedule.baseLr ??= optimizer.lr; // PyTorch's initial_lr
  // Tiny batches finish by the thousand per chunk: skip building their logs when nobody listens.
  const batchListeners = callbacks.filter((c) => c.onBatchEnd !== undefined);

  const checkAborted = (): void => {
    if (signal?.aborted) throw abortError(signal);
  };
  const stop = (): void => {
    control[0] = 1; // the running chunk ends before its next batch
  };
  signal?.addEventListener('abort', stop);
  try {
    checkAborted();
    for (const c of callbacks) c.setModel?.(run.model);
    await each(callbacks, (c) => c.onTrainBegin?.());
    for (let epoch = 0; epoch < run.epochs && !run.stopRequested(); epoch++) {
      checkAborted();
      if (schedule?.interval === 'epoch') applySchedule(schedule, optimizer, schedule.step);
      await each(callbacks, (c) => c.onEpochBegin?.(epoch));
      progress?.epochBegin();
      epochSums.fill(0);
      let rowsSeen = 0;
      let done = 0;
      await feed.startEpoch();
      try {
        while (!run.stopRequested()) {
          checkAborted();
          await run.waitForReaders();
          const part = await feed.next(sizer.next());
          if (part === undefined) break;
          const count = part.batchCount;
          const started = performance.now();
          const perBatch = schedule?.interval === 'batch' ? batchSchedule(schedule, schedule.step, count) : null;
          const job = { ...part, step: optimizer.stepCount, schedule: perBatch, gradNorm: run.gradNorm };
          const training = backend.trainAsync(job, stats, control);
          feed.prefetch(); // a stream produces its next batch while this one trains
          await training;
          const { completed, error } = trainOutcome(stats, run.layout, epoch + 1, done);
          sizer.record(completed, performance.now() - started);
          optimizer.advance(completed);
          if (perBatch !== null) {
            schedule!.step += completed;
            applySchedule(schedule!, optimizer, schedule!.step); // the rate of the next batch, as after scheduler.step()
          }
          for (let i = 0; i < completed; i++) {
            const rows = part.rowsIn(i);
            const at = STATS_HEADER + i * width;
            epochSums[BATCH_LOSS]! += (stats[at + BATCH_LOSS] as number) * rows;
            for (let s = BATCH_COUNTERS; s < width; s++) epochSums[s]! += stats[at + s] as number;
            rowsSeen += rows;
            if (batchListeners.length > 0) {
              const logs: BatchLogs = { loss: stats[at + BATCH_LOSS] as number, size: rows, ...run.metricValues(stats, at) };
              if (run.gradNorm) logs.gradNorm = stats[at + BATCH_GRAD_NORM] as number;
              await each(batchListeners, (c) => c.onBatchEnd!(done + i, logs));
            }
          }
          done += completed;
          if (error !== undefined) {
            run.zeroGrads();
            throw error;
          }
          // A run that stopped early (the signal, or stopTraining) ends at the loop's checks.
          progress?.batchesDone(epoch, done, rowsSeen, epochLogs(run, epochSums, rowsSeen));
        }
      } finally {
        await feed.close();
      }
      if (rowsSeen === 0) break; // stopTraining was set before this epoch ran a batch
      const logs = epochLogs(run, epochSums, rowsSeen);
      logs.lr = optimizer.lr;
      if (schedule?.interval === 'epoch') schedule.step++;
      if (run.validate !== undefined) {
        for (const [key, value] of Object.entries(await run.validate())) logs[validationKey(key)] = value;
      }
      recordEpoch(history, epoch, logs);
      progress?.epochEnd(epoch, rowsSeen, logs);
      await each(callbacks, (c) => c.onEpochEnd?.(epoch, logs));
    }
    await each(callbacks, (c) => c.onTrainEnd?.(history));
    return history;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

function epochLogs(run: FitRun, sums: Float64Array, rows: number): EpochLogs {
  return { loss: (sums[BATCH_LOSS] as number) / rows, ...run.metricValues(sums, 0) };
}
