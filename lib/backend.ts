// The one seam between the model and the maths. The native backend does each operation, and a
// whole run of training batches, in one addon call; the JS backend computes the same thing in
// plain TypeScript and is the reference the native one is tested against.
import type { Layout } from './layout';
import type { TargetArray } from './native';

/** The memory one model trains in; every buffer is allocated in JS and borrowed by the backend. */
export interface NetworkMemory {
  readonly layout: Layout;
  readonly params: Float32Array;
  readonly grads: Float32Array;
  /** Activations and deltas for batches of up to `capacity` rows (Layout.workspaceSize). */
  readonly workspace: Float32Array;
}

/** Batch rows: rows[start..start+count) when rows is set, else samples start..start+count. */
export interface BatchRef {
  readonly x: Float32Array;
  readonly rows: Int32Array | null;
  readonly start: number;
  readonly count: number;
}

/** An optimizer as the backends see it: a kind (native/optimizer.h), numbers and buffers. */
export interface OptimizerRef {
  readonly kind: number;
  readonly hyper: Float64Array;
  /** The kind's state buffers, each params.length long, one after another. */
  readonly state: Float32Array;
  /** Updates taken so far. */
  readonly stepCount: number;
}

export interface Backend {
  readonly name: 'native' | 'js';
  /** Runs the layers; the activated output lands in the workspace's output block. */
  forward(net: NetworkMemory, batch: BatchRef): void;
  /** Loss of the last forward pass over the batch; with `withGrad`, seeds the last delta. */
  loss(net: NetworkMemory, y: TargetArray, samples: number, batch: BatchRef, withGrad: boolean): number;
  /** Backpropagates the seeded delta, accumulating into net.grads. */
  backward(net: NetworkMemory, batch: BatchRef): void;
  /** One update of params from grads. The caller advances the step count. */
  optimizerStep(opt: OptimizerRef, params: Float32Array, grads: Float32Array): void;
  /**
   * Fused training: for each batch, zero grads, forward, loss, backward, update. Writes
   * [loss, correct] per batch into stats and returns the batches completed: fewer than asked
   * when a loss is not finite (that batch is not applied).
   */
  trainBatches(
    net: NetworkMemory, x: Float32Array, y: TargetArray, rows: Int32Array | null, batchSize: number,
    firstBatch: number, batchCount: number, opt: OptimizerRef, stats: Float64Array,
  ): number;
  /**
   * One fused step on all of x and y (one batch), after one pass that checks them for NaN and
   * ±Infinity — in the same native call. Returns 1, or 0 when the loss is not finite (nothing
   * applied; stats[0] holds it), or -1 when an input is not finite (nothing trained; stats[0] is
   * 0 for x or 1 for y, stats[1] the index).
   */
  trainStep(net: NetworkMemory, x: Float32Array, y: TargetArray, opt: OptimizerRef, stats: Float64Array): number;
  /**
   * trainBatches without blocking the event loop (the native backend runs it on the libuv
   * thread pool). Setting control[0] to non-zero stops it before its next batch.
   */
  trainBatchesAsync(
    net: NetworkMemory, x: Float32Array, y: TargetArray, rows: Int32Array | null, batchSize: number,
    firstBatch: number, batchCount: number, opt: OptimizerRef, stats: Float64Array, control: Int32Array,
  ): Promise<number>;
  /** How long one trainBatchesAsync call should run: long enough that crossing back to JS is cheap. */
  readonly chunkMilliseconds: number;
  /** Activated outputs for every row of x, in chunks of the workspace's capacity. */
  predict(net: NetworkMemory, x: Float32Array, out: Float32Array): void;
  /** Mean loss and the number of correct predictions over every row of x. */
  evaluate(net: NetworkMemory, x: Float32Array, y: TargetArray): { loss: number; correct: number };
  /** Index of the first NaN or ±Infinity, or -1. */
  firstNonFinite(a: Float32Array): number;
}
