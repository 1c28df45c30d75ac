// The one seam between the model and the maths. A backend is made for one model and binds its
// plan and buffers once; each operation, and each run of training batches, is then one call.
// The native backend runs them in C++ (a run of batches on the libuv thread pool); the JS
// backend computes the same thing in plain TypeScript and is the reference the native one is
// tested against.
import type { TrainRun } from './job';
import type { Layout } from './layout';
import type { TargetArray } from './native';

/** Batch rows: rows[start..start+count) when rows is set, else samples start..start+count. */
export interface BatchRef {
  readonly x: Float32Array;
  readonly rows: Int32Array | null;
  readonly start: number;
  readonly count: number;
  /** Training: the optimizer step, which picks the dropout masks; -1: inference. */
  readonly step: number;
}

/** An optimizer as the backends see it: a kind (native/optimizer.h), numbers and buffers. */
export interface OptimizerRef {
  readonly kind: number;
  readonly hyper: Float64Array;
  /** The kind's state buffers, each params.length long, one after another. */
  readonly state: Float32Array;
}

export interface Backend {
  /** How long one trainAsync call should run: long enough that crossing back to JS is cheap. */
  readonly chunkMilliseconds: number;
  /** True while a trainAsync run is in flight (it reads params, grads, hyper-parameters and state). */
  readonly running: boolean;
  /** The plan to run from now on (compile gives the layout its loss). */
  setLayout(layout: Layout): void;
  /** Activations and deltas for batches of up to workspace.length / workspaceSize(1) rows. */
  setWorkspace(workspace: Float32Array): void;
  setOptimizer(optimizer: OptimizerRef): void;

  /** Runs the layers; the activated output lands in the workspace's output block. */
  forward(batch: BatchRef): void;
  /** Loss of the last forward pass over the batch; with `withGrad`, seeds the last delta. */
  loss(y: TargetArray, samples: number, batch: BatchRef, withGrad: boolean): number;
  /** Backpropagates the seeded delta, accumulating into the gradients. */
  backward(batch: BatchRef): void;
  /** One update of params from grads, as step number `step` + 1. */
  optimizerStep(step: number): void;
  /**
   * Fused training: for each batch, zero grads, forward, loss, backward, update. Writes the
   * stats header and each batch's stats (lib/job.ts); a batch whose loss or gradient is not
   * finite, or that reads a class label out of range, ends the run unapplied. x and float y
   * are first scanned whole (JOB_NON_FINITE_INPUT): this is trainStep's one call per batch.
   */
  train(run: TrainRun, stats: Float64Array): void;
  /** train without blocking the event loop; setting control[0] non-zero stops it before its next batch. */
  trainAsync(run: TrainRun, stats: Float64Array, control: Int32Array): Promise<void>;
  /** Activated outputs for every row of x, in chunks of the workspace's capacity. */
  predict(x: Float32Array, out: Float32Array): void;
  /** predict without blocking the event loop, in chunks of batchSize rows (at most the workspace's capacity). */
  predictAsync(x: Float32Array, out: Float32Array, batchSize: number): Promise<void>;
  /**
   * Mean loss and the metric counters summed over every row of x, laid out as one batch's stats
   * (lib/job.ts: BATCH_LOSS, then the counters at the layout's offsets).
   */
  evaluate(x: Float32Array, y: TargetArray): Float64Array;
  /** evaluate without blocking the event loop, in chunks of batchSize rows (at most the workspace's capacity). */
  evaluateAsync(x: Float32Array, y: TargetArray, batchSize: number): Promise<Float64Array>;
  /** Index of the first NaN or ±Infinity, or -1. */
  firstNonFinite(a: Float32Array): number;
}
