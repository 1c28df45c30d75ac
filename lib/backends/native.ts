// The OpenBLAS backend: every method is one call into the addon.
import type { Backend, BatchRef, NetworkMemory, OptimizerRef } from '../backend';
import { loadNative, type TargetArray } from '../native';

export function createNativeBackend(): Backend {
  const addon = loadNative();
  return {
    name: 'native',
    forward(net: NetworkMemory, b: BatchRef): void {
      const { spec, alpha } = net.layout;
      addon.forward(spec, alpha, net.params, net.workspace, b.x, b.rows, b.start, b.count);
    },
    loss(net: NetworkMemory, y: TargetArray, samples: number, b: BatchRef, withGrad: boolean): number {
      const { spec, alpha } = net.layout;
      return addon.loss(spec, alpha, net.workspace, y, samples, b.rows, b.start, b.count, withGrad);
    },
    backward(net: NetworkMemory, b: BatchRef): void {
      const { spec, alpha } = net.layout;
      addon.backward(spec, alpha, net.params, net.grads, net.workspace, b.x, b.rows, b.start, b.count);
    },
    optimizerStep(opt: OptimizerRef, params: Float32Array, grads: Float32Array): void {
      addon.optimizerStep(opt.kind, opt.hyper, opt.state, opt.stepCount, params, grads);
    },
    trainBatches(net, x, y, rows, batchSize, firstBatch, batchCount, opt, stats): number {
      const { spec, alpha } = net.layout;
      return addon.trainBatches(
        spec, alpha, net.params, net.grads, net.workspace, x, y, rows, batchSize, firstBatch,
        batchCount, opt.kind, opt.hyper, opt.state, opt.stepCount, stats, false,
      );
    },
    trainStep(net, x, y, opt, stats): number {
      const { spec, alpha } = net.layout;
      const samples = x.length / net.layout.inputSize;
      return addon.trainBatches(
        spec, alpha, net.params, net.grads, net.workspace, x, y, null, samples, 0, 1,
        opt.kind, opt.hyper, opt.state, opt.stepCount, stats, true,
      );
    },
    trainBatchesAsync(net, x, y, rows, batchSize, firstBatch, batchCount, opt, stats, control): Promise<number> {
      const { spec, alpha } = net.layout;
      return addon.trainBatchesAsync(
        spec, alpha, net.params, net.grads, net.workspace, x, y, rows, batchSize, firstBatch,
        batchCount, opt.kind, opt.hyper, opt.state, opt.stepCount, stats, control,
      );
    },
    // Off the main thread, a chunk's length only trades crossing cost against callback latency.
    chunkMilliseconds: 50,
    predict(net: NetworkMemory, x: Float32Array, out: Float32Array): void {
      addon.predict(net.layout.spec, net.layout.alpha, net.params, net.workspace, x, out);
    },
    evaluate(net: NetworkMemory, x: Float32Array, y: TargetArray) {
      const [loss, correct] = addon.evaluate(net.layout.spec, net.layout.alpha, net.params, net.workspace, x, y);
      return { loss, correct };
    },
    firstNonFinite(a: Float32Array): number {
      return addon.firstNonFinite(a);
    },
  };
}
