// The plain-TypeScript backend: the reference the native backend is tested against and the
// JS baseline the benchmarks compare with. Same layout, same loop, same outcomes, no native code.
import { markAsUntransferable } from 'node:worker_threads';
import type { Backend, BatchRef, OptimizerRef } from '../backend';
import { InvalidArgumentError, NotCompiledError } from '../errors';
import {
  BATCH_GRAD_NORM, BATCH_LOSS, JOB_BAD_LABEL, JOB_DONE, JOB_NON_FINITE_GRADIENT, JOB_NON_FINITE_INPUT,
  JOB_NON_FINITE_LOSS, JOB_STOPPED, STATS_COMPLETED, STATS_HEADER, STATS_SAMPLE, STATS_STATUS, STATS_VALUE, type TrainRun,
} from '../job';
import type { Layout } from '../layout';
import type { TargetArray } from '../native';
import { clipGradients, type Targets } from './js/kernels';
import { HYPER_CLIP_NORM, HYPER_CLIP_VALUE, HYPER_LR, momentumSlot } from '../optim/kinds';
import { networkBackward, networkCount, networkForward, networkLoss, outputBlock, type Memory } from './js/network';
import { optimizerStep } from './js/optimizer';

function firstNonFinite(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

/**
 * Twin of native prepare_targets: float rows in place, or the batch's class labels copied into
 * `labels` and checked. Returns the batch row of a label outside [0, K) and its value, or null.
 */
function batchTargets(
  y: TargetArray, labels: Int32Array, b: BatchRef, K: number,
): { targets: Targets } | { row: number; value: number } {
  if (y instanceof Float32Array) return { targets: { data: y, rows: b.rows, start: b.start } };
  for (let i = 0; i < b.count; i++) {
    const value = y[b.rows !== null ? (b.rows[b.start + i] as number) : b.start + i] as number;
    if (!(value >= 0 && value < K)) return { row: i, value };
    labels[i] = value;
  }
  return { targets: { data: labels.subarray(0, b.count), rows: null, start: 0 } };
}

export function createJsBackend(initial: Layout, params: Float32Array, grads: Float32Array): Backend {
  // As the native backend does: the model's buffers can never be transferred away.
  for (const buffer of [params, grads]) markAsUntransferable(buffer.buffer);
  let net: Memory = { layout: initial, params, grads, workspace: new Float32Array(0) };
  let optimizer: OptimizerRef | undefined;
  let labels = new Int32Array(0);

  const capacity = (): number => Math.floor(net.workspace.length / net.layout.workspaceSize(1));
  const opt = (): OptimizerRef => {
    // Stryker disable next-line ConditionalExpression,StringLiteral: the model and the optimizer refuse every step before compile attaches one
    if (optimizer === undefined) throw new NotCompiledError('the model has no optimizer yet');
    return optimizer;
  };
  // Stryker disable all: the calls that use it check their labels first and run synchronously, so no label can change in between
  const badLabel = (value: number): InvalidArgumentError =>
    new InvalidArgumentError(`Expected class labels in [0, ${net.layout.outputs - 1}] for y but received ${value}`);
  // Stryker restore all
  const labelsFor = (count: number): Int32Array => {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a new scratch array of the same length changes nothing
    if (labels.length < count) labels = new Int32Array(count);
    return labels;
  };

  // Twin of network_train_batches (native/network.cpp).
  const train = (r: TrainRun, stats: Float64Array, control: Int32Array | null): void => {
    const samples = r.x.length / net.layout.inputSize;
    const K = net.layout.outputs;
    const scratch = labelsFor(r.batchSize);
    const end = (status: number, completed: number, sample = 0, value = 0): void => {
      stats[STATS_STATUS] = status;
      stats[STATS_COMPLETED] = completed;
      stats[STATS_SAMPLE] = sample;
      stats[STATS_VALUE] = value;
    };
    for (let i = 0; i < r.batchCount; i++) {
      if (control !== null && control[0] !== 0) return end(JOB_STOPPED, i);
      const start = (r.firstBatch + i) * r.batchSize;
      const batch = { x: r.x, rows: r.rows, start, count: Math.min(r.batchSize, samples - start), step: r.step + i };
      const prepared = batchTargets(r.y, scratch, batch, K);
      if (!('targets' in prepared)) {
        const sample = r.rows !== null ? (r.rows[start + prepared.row] as number) : start + prepared.row;
        return end(JOB_BAD_LABEL, i, sample, prepared.value);
      }
      net.grads.fill(0);
      networkForward(net, net.layout.fusedOutput ? null : outputBlock(net, batch.count), batch);
      const loss = networkLoss(net, prepared.targets, batch.count, true);
      const at = STATS_HEADER + i * net.layout.batchStats;
      const slots = stats.subarray(at, at + net.layout.batchStats);
      slots.fill(0);
      slots[BATCH_LOSS] = loss;
      networkCount(net, slots, prepared.targets, batch.count);
      if (!Number.isFinite(loss)) return end(JOB_NON_FINITE_LOSS, i);
      networkBackward(net, batch);
      if (firstNonFinite(net.grads) >= 0) return end(JOB_NON_FINITE_GRADIENT, i);
      const o = opt();
      const h = o.hyper;
      const [clipNorm, clipValue] = [h[HYPER_CLIP_NORM] as number, h[HYPER_CLIP_VALUE] as number];
      // Stryker disable next-line ConditionalExpression,EqualityOperator: without clipping the norm is computed for nothing (fit reports it only when asked) and clipping by 0 changes nothing
      stats[at + BATCH_GRAD_NORM] = clipNorm > 0 || clipValue > 0 || r.gradNorm ? clipGradients(net.grads, clipNorm, clipValue) : NaN;
      if (r.schedule !== null) {
        // Native code writes these into its own copy; the twin works on a copy too.
        const hyper = Float64Array.from(h);
        hyper[HYPER_LR] = r.schedule[2 * i] as number;
        const momentum = r.schedule[2 * i + 1] as number;
        if (!Number.isNaN(momentum)) hyper[momentumSlot(o.kind)] = momentum;
        optimizerStep({ ...o, hyper }, r.step + i, net.params, net.grads);
      } else optimizerStep(o, r.step + i, net.params, net.grads);
    }
    end(JOB_DONE, r.batchCount);
  };

  return {
    // Plain TypeScript runs on the main thread: the chunk length is the event-loop delay it causes.
    chunkMilliseconds: 10,
    // Each chunk runs to its end in one synchronous call: no other code can see one in flight.
    running: false,
    setLayout(layout: Layout): void {
      net = { ...net, layout };
    },
    setWorkspace(workspace: Float32Array): void {
      markAsUntransferable(workspace.buffer);
      net = { ...net, workspace };
    },
    setOptimizer(o: OptimizerRef): void {
      markAsUntransferable(o.state.buffer);
      optimizer = o;
    },
    forward(b: BatchRef): void {
      networkForward(net, outputBlock(net, b.count), b);
    },
    loss(y: TargetArray, _samples: number, b: BatchRef, withGrad: boolean): number {
      const prepared = batchTargets(y, labelsFor(b.count), b, net.layout.outputs);
      // Stryker disable next-line ConditionalExpression: backward() and computeLoss() check y's labels just before
      if (!('targets' in prepared)) throw badLabel(prepared.value);
      return networkLoss(net, prepared.targets, b.count, withGrad);
    },
    backward(b: BatchRef): void {
      networkBackward(net, b);
    },
    optimizerStep(step: number): void {
      optimizerStep(opt(), step, net.params, net.grads);
    },
    train(r: TrainRun, stats: Float64Array): void {
      const badX = firstNonFinite(r.x);
      // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: y decides the report only when x is clean, and label arrays are never non-finite
      const badY = badX < 0 && r.y instanceof Float32Array ? firstNonFinite(r.y) : -1;
      if (badX >= 0 || badY >= 0) {
        stats[STATS_STATUS] = JOB_NON_FINITE_INPUT;
        stats[STATS_COMPLETED] = 0;
        stats[STATS_SAMPLE] = badX >= 0 ? 0 : 1;
        stats[STATS_VALUE] = badX >= 0 ? badX : badY;
        return;
      }
      train(r, stats, null);
    },
    // Yields to the event loop first, so timers, I/O and an AbortSignal run between chunks.
    async trainAsync(r: TrainRun, stats: Float64Array, control: Int32Array): Promise<void> {
      await new Promise((resolve) => setImmediate(resolve));
      train(r, stats, control);
    },
    predict(x: Float32Array, out: Float32Array): void {
      const samples = x.length / net.layout.inputSize;
      const K = net.layout.outputs;
      // Stryker disable next-line EqualityOperator: a chunk of zero rows at the end computes nothing
      for (let start = 0; start < samples; start += capacity()) {
        const count = Math.min(capacity(), samples - start);
        networkForward(net, out.subarray(start * K, (start + count) * K), { x, rows: null, start, count });
      }
    },
    // Chunk by chunk, yielding to the event loop before each, as fit does on this backend.
    async predictAsync(x: Float32Array, out: Float32Array, batchSize: number): Promise<void> {
      const inputs = net.layout.inputSize;
      const K = net.layout.outputs;
      const samples = x.length / inputs;
      // Stryker disable next-line EqualityOperator: a chunk of zero rows at the end computes nothing
      for (let start = 0; start < samples; start += batchSize) {
        await new Promise((resolve) => setImmediate(resolve));
        const end = Math.min(samples, start + batchSize);
        networkForward(net, out.subarray(start * K, end * K), { x, rows: null, start, count: end - start, step: -1 });
      }
    },
    async evaluateAsync(x: Float32Array, y: TargetArray) {
      await new Promise((resolve) => setImmediate(resolve));
      return this.evaluate(x, y);
    },
    evaluate(x: Float32Array, y: TargetArray): Float64Array {
      const samples = x.length / net.layout.inputSize;
      const totals = new Float64Array(net.layout.batchStats);
      let loss = 0;
      // Stryker disable next-line EqualityOperator: a chunk of zero rows at the end computes nothing
      for (let start = 0; start < samples; start += capacity()) {
        const batch = { x, rows: null, start, count: Math.min(capacity(), samples - start), step: -1 };
        const prepared = batchTargets(y, labelsFor(batch.count), batch, net.layout.outputs);
        // Stryker disable next-line ConditionalExpression: evaluate() checks y's labels just before, and this runs in the same turn
        if (!('targets' in prepared)) throw badLabel(prepared.value);
        networkForward(net, net.layout.fusedOutput ? null : outputBlock(net, batch.count), batch);
        // Stryker disable next-line BooleanLiteral: the gradient it would also write is not read before the next backward pass rewrites it
        loss += networkLoss(net, prepared.targets, batch.count, false) * batch.count;
        networkCount(net, totals, prepared.targets, batch.count);
      }
      totals[BATCH_LOSS] = loss / samples;
      totals[BATCH_GRAD_NORM] = NaN;
      return totals;
    },
    firstNonFinite,
  };
}
