// The plain-TypeScript backend: the reference the native backend is tested against and the
// JS baseline the benchmarks compare with. Same layout, same loop, no native code.
import type { Backend, BatchRef, NetworkMemory, OptimizerRef } from '../backend';
import type { TargetArray } from '../native';
import { networkBackward, networkCorrect, networkForward, networkLoss, outputBlock } from './js/network';
import { optimizerStep } from './js/optimizer';

function targetsOf(y: TargetArray, b: BatchRef) {
  return { data: y, rows: b.rows, start: b.start };
}

/** Rows the workspace holds (as native/binding.cpp's capacity()). */
function capacityOf(net: NetworkMemory): number {
  return Math.floor(net.workspace.length / net.layout.workspaceSize(1));
}

function firstNonFinite(a: Float32Array): number {
  return a.findIndex((v) => !Number.isFinite(v));
}

// Twin of network_train_batches (native/network.cpp).
function trainBatches(
  net: NetworkMemory, x: Float32Array, y: TargetArray, rows: Int32Array | null, batchSize: number,
  firstBatch: number, batchCount: number, opt: OptimizerRef, stats: Float64Array, control: Int32Array | null,
): number {
  const samples = x.length / net.layout.inputSize;
  for (let i = 0; i < batchCount; i++) {
    if (control !== null && control[0] !== 0) return i;
    const start = (firstBatch + i) * batchSize;
    const batch = { x, rows, start, count: Math.min(batchSize, samples - start) };
    net.grads.fill(0);
    networkForward(net, net.layout.fusedOutput ? null : outputBlock(net, batch.count), batch);
    const loss = networkLoss(net, targetsOf(y, batch), batch.count, true);
    stats[2 * i] = loss;
    stats[2 * i + 1] = networkCorrect(net, targetsOf(y, batch), batch.count);
    if (!Number.isFinite(loss)) return i;
    networkBackward(net, batch);
    optimizerStep({ kind: opt.kind, hyper: opt.hyper, state: opt.state, stepCount: opt.stepCount + i }, net.params, net.grads);
  }
  return batchCount;
}

export function createJsBackend(): Backend {
  return {
    name: 'js',
    forward(net: NetworkMemory, b: BatchRef): void {
      networkForward(net, outputBlock(net, b.count), b);
    },
    loss(net: NetworkMemory, y: TargetArray, _samples: number, b: BatchRef, withGrad: boolean): number {
      return networkLoss(net, targetsOf(y, b), b.count, withGrad);
    },
    backward(net: NetworkMemory, b: BatchRef): void {
      networkBackward(net, b);
    },
    optimizerStep(opt: OptimizerRef, params: Float32Array, grads: Float32Array): void {
      optimizerStep(opt, params, grads);
    },
    trainBatches(net, x, y, rows, batchSize, firstBatch, batchCount, opt, stats): number {
      return trainBatches(net, x, y, rows, batchSize, firstBatch, batchCount, opt, stats, null);
    },
    trainStep(net, x, y, opt, stats): number {
      const badX = firstNonFinite(x);
      const badY = badX < 0 && y instanceof Float32Array ? firstNonFinite(y) : -1;
      if (badX >= 0 || badY >= 0) {
        stats[0] = badX >= 0 ? 0 : 1;
        stats[1] = badX >= 0 ? badX : badY;
        return -1;
      }
      return trainBatches(net, x, y, null, x.length / net.layout.inputSize, 0, 1, opt, stats, null);
    },
    // Plain TypeScript runs on the main thread: the chunk length is the event-loop delay it causes.
    async trainBatchesAsync(net, x, y, rows, batchSize, firstBatch, batchCount, opt, stats, control): Promise<number> {
      return trainBatches(net, x, y, rows, batchSize, firstBatch, batchCount, opt, stats, control);
    },
    chunkMilliseconds: 10,
    predict(net: NetworkMemory, x: Float32Array, out: Float32Array): void {
      const samples = x.length / net.layout.inputSize;
      const capacity = capacityOf(net);
      const K = net.layout.outputs;
      for (let start = 0; start < samples; start += capacity) {
        const count = Math.min(capacity, samples - start);
        networkForward(net, out.subarray(start * K, (start + count) * K), { x, rows: null, start, count });
      }
    },
    evaluate(net: NetworkMemory, x: Float32Array, y: TargetArray) {
      const samples = x.length / net.layout.inputSize;
      const capacity = capacityOf(net);
      let loss = 0;
      let correct = 0;
      for (let start = 0; start < samples; start += capacity) {
        const batch = { x, rows: null, start, count: Math.min(capacity, samples - start) };
        networkForward(net, net.layout.fusedOutput ? null : outputBlock(net, batch.count), batch);
        loss += networkLoss(net, targetsOf(y, batch), batch.count, false) * batch.count;
        correct += networkCorrect(net, targetsOf(y, batch), batch.count);
      }
      return { loss: loss / samples, correct };
    },
    firstNonFinite,
  };
}
