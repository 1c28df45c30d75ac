// A run of training batches as both backends take it, and the stats it reports back: a header
// (how the run ended) then, per batch, the loss, the gradient norm and the metric counters. Mirrors native/network.h
// (JobStatus, BatchStat) and native/binding_train.h (StatsHeader); test/constants.test.ts
// checks the two agree.
import type { TargetArray } from './native';

export const STATS_STATUS = 0;
export const STATS_COMPLETED = 1;
/** JOB_BAD_LABEL: the sample; trainStep's non-finite input: 0 for x, 1 for y. */
export const STATS_SAMPLE = 2;
/** JOB_BAD_LABEL: the label read; trainStep's non-finite input: its index. */
export const STATS_VALUE = 3;
export const STATS_HEADER = 4;
/** Per batch, at STATS_HEADER + i·layout.batchStats: */
export const BATCH_LOSS = 0;
/** ‖∇‖₂ before clipping; NaN unless clipping by norm or asked for (TrainRun.gradNorm). */
export const BATCH_GRAD_NORM = 1;
/** The metric counters start here (Layout.plan.counters gives each one's offset). */
export const BATCH_COUNTERS = 2;

export const JOB_DONE = 0;
export const JOB_STOPPED = 1;
export const JOB_NON_FINITE_LOSS = 2;
export const JOB_NON_FINITE_GRADIENT = 3;
export const JOB_BAD_LABEL = 4;
/** trainStep only: x or y holds NaN or ±Infinity; nothing was trained. */
export const JOB_NON_FINITE_INPUT = -1;

/** Stats for a run of `batches` batches of `perBatch` doubles each (Layout.batchStats). */
export function statsFor(batches: number, perBatch: number): Float64Array {
  return new Float64Array(STATS_HEADER + perBatch * batches);
}

/** Batches of batchSize rows of the sample order (rows, or 0..n-1), from batch firstBatch on. */
export interface BatchRun {
  readonly x: Float32Array;
  readonly y: TargetArray;
  readonly rows: Int32Array | null;
  readonly batchSize: number;
  readonly firstBatch: number;
  readonly batchCount: number;
}

/** A run of batches to train, with what the update of each needs. */
export interface TrainRun extends BatchRun {
  /** Optimizer steps taken before the run. */
  readonly step: number;
  /** Per batch (batchCount × 2): learning rate, and momentum-slot value (NaN: unchanged); or null. */
  readonly schedule: Float64Array | null;
  /** Compute each batch's gradient norm even when not clipping by norm. */
  readonly gradNorm: boolean;
}
