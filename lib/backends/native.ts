// The OpenBLAS backend: one native Model object per model (it owns the validated plan), and
// every operation one call into it. Native errors come back as the library's typed errors.
import type { Backend, BatchRef, OptimizerRef } from '../backend';
import { fromNative, InvalidArgumentError } from '../errors';
import { JOB_BAD_LABEL, STATS_HEADER, STATS_SAMPLE, STATS_STATUS, STATS_VALUE, statsFor, type TrainRun } from '../job';
import type { Layout } from '../layout';
import { loadNative, type NativeModel, type TargetArray } from '../native';

function typed<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw fromNative(error);
  }
}

export function createNativeBackend(initial: Layout, params: Float32Array, grads: Float32Array): Backend {
  const addon = loadNative();
  let layout = initial;
  let model: NativeModel = typed(() => new addon.Model(layout.plan, params, grads));
  let workspace: Float32Array | undefined;
  let optimizer: OptimizerRef | undefined;
  let running = false;
  /** Marks the model's buffers as in use by a thread-pool job until it settles. */
  const whileRunning = async (job: Promise<void>): Promise<void> => {
    running = true;
    try {
      await job;
    } finally {
      running = false;
    }
  };
  return {
    // Off the main thread, a chunk's length only trades crossing cost against callback latency.
    chunkMilliseconds: 50,
    get running() {
      return running;
    },
    setLayout(next: Layout): void {
      const replacement = typed(() => new addon.Model(next.plan, params, grads));
      if (workspace !== undefined) replacement.setWorkspace(workspace);
      if (optimizer !== undefined) replacement.setOptimizer(optimizer.kind, optimizer.hyper, optimizer.state);
      model = replacement;
      layout = next;
    },
    setWorkspace(ws: Float32Array): void {
      typed(() => model.setWorkspace(ws));
      workspace = ws;
    },
    setOptimizer(opt: OptimizerRef): void {
      typed(() => model.setOptimizer(opt.kind, opt.hyper, opt.state));
      optimizer = opt;
    },
    forward(b: BatchRef): void {
      typed(() => model.forward(b.x, b.rows, b.start, b.count, b.step));
    },
    loss(y: TargetArray, samples: number, b: BatchRef, withGrad: boolean): number {
      return typed(() => model.loss(y, samples, b.rows, b.start, b.count, withGrad));
    },
    backward(b: BatchRef): void {
      typed(() => model.backward(b.x, b.rows, b.start, b.count, b.step));
    },
    optimizerStep(step: number): void {
      typed(() => model.optimizerStep(step));
    },
    train(r: TrainRun, stats: Float64Array): void {
      typed(() => model.train(r.x, r.y, r.rows, r.batchSize, r.firstBatch, r.batchCount, r.step, stats, r.schedule, r.gradNorm, true));
    },
    async trainAsync(r: TrainRun, stats: Float64Array, control: Int32Array): Promise<void> {
      await whileRunning(typed(() => model.trainAsync(r.x, r.y, r.rows, r.batchSize, r.firstBatch, r.batchCount, r.step, stats, r.schedule, r.gradNorm, control)));
    },
    predict(x: Float32Array, out: Float32Array): void {
      typed(() => model.predict(x, out));
    },
    async predictAsync(x: Float32Array, out: Float32Array, batchSize: number): Promise<void> {
      await whileRunning(typed(() => model.predictAsync(x, out, batchSize)));
    },
    evaluate(x: Float32Array, y: TargetArray): Float64Array {
      const totals = new Float64Array(layout.batchStats);
      typed(() => model.evaluate(x, y, totals));
      return totals;
    },
    async evaluateAsync(x: Float32Array, y: TargetArray, batchSize: number): Promise<Float64Array> {
      const stats = statsFor(1, layout.batchStats);
      await whileRunning(typed(() => model.evaluateAsync(x, y, stats, batchSize)));
      if (stats[STATS_STATUS] === JOB_BAD_LABEL) {
        throw new InvalidArgumentError(`Expected class labels in [0, ${layout.outputs - 1}] for y but received ${stats[STATS_VALUE]} at sample ${stats[STATS_SAMPLE]}`);
      }
      return stats.subarray(STATS_HEADER);
    },
    firstNonFinite(a: Float32Array): number {
      return typed(() => addon.firstNonFinite(a));
    },
  };
}
