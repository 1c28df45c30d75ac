// The OpenBLAS backend: one native Model object per model (it owns the validated plan), and
// every operation one call into it. Native errors come back as the library's typed errors.
import type { Backend, BatchRef, OptimizerRef } from '../backend';
import { fromNative } from '../errors';
import type { TrainRun } from '../job';
import type { Layout } from '../layout';
import { loadNative, type NativeModel, type TargetArray } from '../native';

function typed<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw fromNative(error);
  }
}

export function createNativeBackend(layout: Layout, params: Float32Array, grads: Float32Array): Backend {
  const addon = loadNative();
  let model: NativeModel = typed(() => new addon.Model(layout.plan, params, grads));
  let workspace: Float32Array | undefined;
  let optimizer: OptimizerRef | undefined;
  let running = false;
  return {
    name: 'native',
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
      typed(() => model.forward(b.x, b.rows, b.start, b.count));
    },
    loss(y: TargetArray, samples: number, b: BatchRef, withGrad: boolean): number {
      return typed(() => model.loss(y, samples, b.rows, b.start, b.count, withGrad));
    },
    backward(b: BatchRef): void {
      typed(() => model.backward(b.x, b.rows, b.start, b.count));
    },
    optimizerStep(step: number): void {
      typed(() => model.optimizerStep(step));
    },
    train(r: TrainRun, stats: Float64Array, checkFinite: boolean): void {
      typed(() => model.train(r.x, r.y, r.rows, r.batchSize, r.firstBatch, r.batchCount, r.step, stats, checkFinite));
    },
    async trainAsync(r: TrainRun, stats: Float64Array, control: Int32Array): Promise<void> {
      const job = typed(() => model.trainAsync(r.x, r.y, r.rows, r.batchSize, r.firstBatch, r.batchCount, r.step, stats, control));
      running = true;
      try {
        await job;
      } finally {
        running = false;
      }
    },
    predict(x: Float32Array, out: Float32Array): void {
      typed(() => model.predict(x, out));
    },
    evaluate(x: Float32Array, y: TargetArray) {
      const [loss, correct] = typed(() => model.evaluate(x, y));
      return { loss, correct };
    },
    firstNonFinite(a: Float32Array): number {
      return typed(() => addon.firstNonFinite(a));
    },
  };
}
