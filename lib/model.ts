// Sequential: a stack of Dense layers over one flat parameter vector. The training loop is
// exposed step by step (forward, backward, optimizer.step, zeroGrad) and fused (trainStep, fit).
import type { Backend, BatchRef } from './backend';
import { createJsBackend } from './backends/js';
import { createNativeBackend } from './backends/native';
import { toCallbackList, type Callbacks, type History } from './callbacks';
import { checkFinite, nonFiniteError, requireFixedSize, toInputs, toTargets, type InputData, type TargetData } from './data';
import {
  InvalidArgumentError, ModelBusyError, NotCompiledError, OutOfMemoryError, StateError,
} from './errors';
import { runFit, trainOutcome } from './fit';
import { JOB_NON_FINITE_INPUT, STATS_HEADER, STATS_SAMPLE, STATS_STATUS, STATS_VALUE, BATCH_LOSS, statsFor } from './job';
import { Dense } from './layers';
import {
  LOSS_BINARY_CROSSENTROPY, LOSS_CATEGORICAL_CROSSENTROPY, LOSS_MSE, LOSSES, Layout, type LossName,
} from './layout';
import type { TargetArray } from './native';
import { Optimizer } from './optim/optimizer';
import { Progress } from './progress';
import { Random } from './random';
import { boolean, invalid, oneOf, positiveInteger, readArray, readOptions } from './validate';

export interface SequentialOptions {
  /** Features per sample. */
  inputSize: number;
  layers: Dense[];
  /** Seeds weight initialisation and shuffling. Default 42. */
  seed?: number;
  /** 'native' (OpenBLAS, default) or 'js' (plain TypeScript, same maths). */
  backend?: 'native' | 'js';
}

export interface CompileOptions {
  loss: LossName;
  optimizer: Optimizer;
}

export interface FitOptions {
  /** Passes over the data. Default 1. */
  epochs?: number;
  /** Rows per update; ≥ the sample count gives full-batch gradient descent. Default 32. */
  batchSize?: number;
  /** Reshuffle the sample order every epoch (seeded by the model's seed). Default true. */
  shuffle?: boolean;
  /** 0 silent; 1 a progress bar on a terminal, one line per epoch otherwise. Default 0. */
  verbose?: 0 | 1;
  /** Keras-style callbacks, called in order; returned Promises are awaited. */
  callbacks?: Callbacks | Callbacks[];
  /** Aborting stops training before the next batch; fit rejects with an AbortError. */
  signal?: AbortSignal;
}

export interface EvaluateResult {
  loss: number;
  /** For cross-entropy losses. */
  accuracy?: number;
}

const LOSS_CODES: Record<LossName, number> = {
  mse: LOSS_MSE,
  categoricalCrossentropy: LOSS_CATEGORICAL_CROSSENTROPY,
  binaryCrossentropy: LOSS_BINARY_CROSSENTROPY,
};

/** Rows predict() and evaluate() push through the network per chunk. */
const INFERENCE_CHUNK = 256;

export class Sequential {
  readonly layers: readonly Dense[];
  readonly inputSize: number;
  readonly outputSize: number;
  /** Every parameter, PyTorch state_dict order: W_0 (out×in row-major), b_0, W_1, b_1, … */
  readonly params: Float32Array;
  /** ∂loss/∂params, same layout. */
  readonly grads: Float32Array;
  readonly backend: 'native' | 'js';
  private readonly ops: Backend;
  private layout: Layout;
  private readonly random: Random;
  private workspace = new Float32Array(0);
  private capacity = 0;
  private compiled: { loss: LossName; optimizer: Optimizer } | undefined;
  private lastForward: BatchRef | undefined;
  private readonly stepStats = statsFor(1);
  /** The call that holds the model (fit for its whole run, any other call while it runs), or undefined. */
  private busy: string | undefined;
  /** Set to true (e.g. from a callback) to end fit() after the current chunk of batches, as in Keras. */
  stopTraining = false;

  constructor(options: SequentialOptions) {
    const o = readOptions('Sequential options', options, ['inputSize', 'layers', 'seed', 'backend']);
    this.inputSize = positiveInteger('inputSize', o.inputSize);
    const layers = readArray(o.layers);
    if (layers === undefined || layers.length === 0 || !layers.every((l) => l instanceof Dense)) {
      throw invalid('layers', 'non-empty array of Dense layers', o.layers);
    }
    // Checked before any layer is bound, so a refused model leaves every layer free.
    if (new Set(layers).size !== layers.length || layers.some((l) => (l as Dense).isBound)) {
      throw new InvalidArgumentError('Each Dense layer can belong to one model, once; create a new Dense for every place it is used');
    }
    const seed = o.seed ?? 42;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw invalid('seed', 'integer', seed);
    this.backend = oneOf('backend', o.backend ?? 'native', ['native', 'js'] as const);

    this.layers = layers as Dense[];
    this.layout = new Layout(this.inputSize, this.layers);
    if (this.layout.paramCount >= 2 ** 31) throw invalid('layers', 'fewer than 2^31 parameters in total', this.layout.paramCount);
    this.outputSize = this.layout.outputs;
    this.params = allocateFloats('the parameters', this.layout.paramCount);
    this.grads = allocateFloats('the gradients', this.layout.paramCount);
    // The native backend pins both (untransferable, fixed size) for as long as the model lives.
    this.ops = (this.backend === 'native' ? createNativeBackend : createJsBackend)(this.layout, this.params, this.grads);
    this.random = new Random(seed);
    this.layers.forEach((layer, l) => {
      const w = this.layout.weightOffset(l);
      const b = this.layout.biasOffset(l);
      const end = b + layer.units;
      layer.bind({
        weight: this.params.subarray(w, b),
        bias: this.params.subarray(b, end),
        weightGrad: this.grads.subarray(w, b),
        biasGrad: this.grads.subarray(b, end),
        inputSize: this.layout.inOf(l),
      });
      layer.initialize(this.random);
    });
  }

  /** Sets the loss and attaches the optimizer to this model's parameters and gradients. */
  compile(options: CompileOptions): void {
    this.exclusive('compile', () => this.compileNow(options));
  }

  private compileNow(options: CompileOptions): void {
    const o = readOptions('compile options', options, ['loss', 'optimizer']);
    const loss = oneOf('loss', o.loss, LOSSES);
    if (!(o.optimizer instanceof Optimizer)) throw invalid('optimizer', 'Optimizer instance such as new SGD({ lr: 0.01 })', o.optimizer);
    const last = this.layers[this.layers.length - 1] as Dense;
    const needs = loss === 'categoricalCrossentropy' ? 'softmax' : loss === 'binaryCrossentropy' ? 'sigmoid' : undefined;
    if (needs !== undefined && last.activation !== needs) {
      throw new InvalidArgumentError(
        `Expected the last layer's activation to be '${needs}' for loss '${loss}' (the two are fused and computed ` +
          `from logits) but received '${last.activation}'`,
      );
    }
    const layout = this.layout.withLoss(LOSS_CODES[loss]);
    this.ops.setLayout(layout);
    this.layout = layout;
    o.optimizer.attach(this.params, this.grads, this.ops, (method) => this.requireIdle(`optimizer.${method}`));
    this.compiled = { loss, optimizer: o.optimizer };
  }

  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer;
  }
  get loss(): LossName | undefined {
    return this.compiled?.loss;
  }

  /** Outputs (samples × outputSize, activation applied) for every row of x. */
  predict(x: InputData): Float32Array {
    return this.exclusive('predict', () => {
      const inputs = this.inputs(x);
      const samples = inputs.length / this.inputSize;
      const out = allocateFloats('the predictions', samples * this.outputSize);
      this.reserve(Math.min(samples, Math.max(this.capacity, INFERENCE_CHUNK)));
      this.ops.predict(inputs, out);
      return out;
    });
  }

  /** Mean loss (and accuracy for cross-entropy) over a data set, without touching gradients. */
  evaluate(x: InputData, y: TargetData): EvaluateResult {
    return this.exclusive('evaluate', () => {
      this.requireCompiled('evaluate');
      const { inputs, targets, samples } = this.data(x, y);
      this.reserve(Math.min(samples, Math.max(this.capacity, INFERENCE_CHUNK)));
      const { loss, correct } = this.ops.evaluate(inputs, targets);
      const accuracy = this.accuracy(correct, samples);
      return accuracy === undefined ? { loss } : { loss, accuracy };
    });
  }

  /** Forward pass over a batch; returns a copy of its output and keeps activations for backward(). */
  forward(x: InputData): Float32Array {
    return this.exclusive('forward', () => {
      const inputs = this.inputs(x);
      const count = inputs.length / this.inputSize;
      this.reserve(count);
      const batch = { x: inputs, rows: null, start: 0, count };
      this.ops.forward(batch);
      this.lastForward = batch;
      const offset = this.layout.outputOffset(count);
      return this.workspace.slice(offset, offset + count * this.outputSize);
    });
  }

  /** Loss of the last forward() batch against y, leaving the gradients alone. */
  computeLoss(y: TargetData): number {
    return this.exclusive('computeLoss', () => {
      const { batch, targets } = this.afterForward('computeLoss', y);
      return this.ops.loss(targets, batch.count, batch, false);
    });
  }

  /** Loss of the last forward() batch; accumulates ∂loss/∂params into grads and returns the loss. */
  backward(y: TargetData): number {
    return this.exclusive('backward', () => {
      const { batch, targets } = this.afterForward('backward', y);
      const loss = this.ops.loss(targets, batch.count, batch, true);
      this.ops.backward(batch);
      return loss;
    });
  }

  private afterForward(method: string, y: TargetData): { batch: BatchRef; targets: TargetArray } {
    this.requireCompiled(method);
    const batch = this.lastForward;
    if (batch === undefined) throw new StateError(`Cannot call ${method}() before forward(): it needs the activations of a batch`);
    return { batch, targets: this.targets(y, batch.count) };
  }

  /** Sets every gradient to zero. */
  zeroGrad(): void {
    this.requireIdle('zeroGrad');
    this.grads.fill(0);
  }

  /**
   * One fused native step on one batch (forward, loss, backward, update); returns the loss.
   * Checking x and y for NaN/Infinity happens in the same native call: one crossing per batch.
   */
  trainStep(x: InputData, y: TargetData): number {
    return this.exclusive('trainStep', () => {
      const { optimizer } = this.requireCompiled('trainStep');
      const inputs = toInputs('x', x, this.inputSize);
      const samples = inputs.length / this.inputSize;
      const targets = toTargets('y', y, samples, this.outputSize, this.layout.loss);
      this.reserve(samples);
      const stats = this.stepStats;
      const run = { x: inputs, y: targets, rows: null, batchSize: samples, firstBatch: 0, batchCount: 1, step: optimizer.stepCount };
      this.ops.train(run, stats, true);
      if (stats[STATS_STATUS] === JOB_NON_FINITE_INPUT) {
        const index = stats[STATS_VALUE] as number;
        throw stats[STATS_SAMPLE] === 0
          ? nonFiniteError('x', inputs, index, this.inputSize)
          : nonFiniteError('y', targets as Float32Array, index, this.outputSize);
      }
      const { completed, error } = trainOutcome(stats, this.outputSize);
      optimizer.advance(completed);
      if (error !== undefined) {
        this.grads.fill(0);
        throw error;
      }
      return stats[STATS_HEADER + BATCH_LOSS] as number;
    });
  }

  /**
   * Trains for `epochs` passes in mini-batches of `batchSize` rows (the last may be shorter).
   * On the native backend the batches run on the libuv thread pool in chunks of about 50 ms, so
   * the event loop stays free; callbacks and progress run between chunks. While it runs, the
   * model is busy: other calls that use its buffers throw ModelBusyError.
   */
  async fit(x: InputData, y: TargetData, options: FitOptions = {}): Promise<History> {
    // The model is taken before any user code (an option getter, a callback) can run.
    this.enter('fit');
    try {
      const { optimizer } = this.requireCompiled('fit');
      const o = readOptions('fit options', options, ['epochs', 'batchSize', 'shuffle', 'verbose', 'callbacks', 'signal']);
      const epochs = positiveInteger('epochs', o.epochs ?? 1);
      const batchSizeOption = positiveInteger('batchSize', o.batchSize ?? 32);
      const shuffle = boolean('shuffle', o.shuffle ?? true);
      const verbose = o.verbose ?? 0;
      if (verbose !== 0 && verbose !== 1) throw invalid('verbose', '0 or 1', verbose);
      const callbacks = toCallbackList(o.callbacks);
      const signal = o.signal;
      if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid('signal', 'AbortSignal', signal);
      const { inputs, targets, samples } = this.data(x, y);
      requireFixedSize('x', inputs);
      requireFixedSize('y', targets);

      const batchSize = Math.min(batchSizeOption, samples);
      this.reserve(batchSize);
      this.stopTraining = false;
      return await runFit({
        backend: this.ops, inputs, targets, samples, batchSize, epochs, shuffle, outputs: this.outputSize,
        optimizer, random: this.random, callbacks, signal,
        progress: verbose === 1 ? new Progress(epochs, Math.ceil(samples / batchSize)) : undefined,
        accuracy: (correct, rows) => this.accuracy(correct, rows),
        stopRequested: () => this.stopTraining,
        zeroGrads: () => this.grads.fill(0),
      });
    } finally {
      this.busy = undefined;
    }
  }

  /** True while fit() runs. */
  get isTraining(): boolean {
    return this.busy === 'fit';
  }

  /** Takes the model for `method`, or throws ModelBusyError when another call holds it. */
  private enter(method: string): void {
    this.requireIdle(method);
    this.busy = method;
  }

  /**
   * Runs a synchronous call holding the model, so that user code it runs (a getter on an option
   * or on an array) cannot start another call on the same buffers halfway through.
   */
  private exclusive<T>(method: string, call: () => T): T {
    this.enter(method);
    try {
      return call();
    } finally {
      this.busy = undefined;
    }
  }

  private requireIdle(method: string): void {
    if (this.busy !== undefined) throw new ModelBusyError(method);
  }

  private requireCompiled(method: string): { loss: LossName; optimizer: Optimizer } {
    if (this.compiled === undefined) {
      throw new NotCompiledError(`Cannot call ${method}() before compile({ loss, optimizer })`);
    }
    return this.compiled;
  }

  private inputs(x: unknown): Float32Array {
    const inputs = toInputs('x', x, this.inputSize);
    checkFinite('x', inputs, this.inputSize, this.ops);
    return inputs;
  }

  private targets(y: unknown, samples: number): TargetArray {
    const targets = toTargets('y', y, samples, this.outputSize, this.layout.loss);
    checkFinite('y', targets, this.outputSize, this.ops);
    return targets;
  }

  private data(x: unknown, y: unknown): { inputs: Float32Array; targets: TargetArray; samples: number } {
    const inputs = this.inputs(x);
    const samples = inputs.length / this.inputSize;
    return { inputs, targets: this.targets(y, samples), samples };
  }

  private accuracy(correct: number, samples: number): number | undefined {
    if (this.layout.loss === LOSS_CATEGORICAL_CROSSENTROPY) return correct / samples;
    if (this.layout.loss === LOSS_BINARY_CROSSENTROPY) return correct / (samples * this.outputSize);
    return undefined;
  }

  /** Grows the workspace to hold batches of `rows`; it never shrinks, so steady training allocates nothing. */
  private reserve(rows: number): void {
    this.lastForward = undefined; // whatever runs next overwrites the activations backward() needs
    if (rows <= this.capacity) return;
    const workspace = allocateFloats(`the workspace for batches of ${rows} rows`, this.layout.workspaceSize(rows));
    this.ops.setWorkspace(workspace);
    this.workspace = workspace;
    this.capacity = rows;
  }
}

/** The largest Float32Array V8 allows on 64-bit platforms. */
const MAX_FLOATS = 2 ** 32 - 1;

/** A zeroed Float32Array of n floats, or a typed error when that is more than can be had. */
function allocateFloats(what: string, n: number): Float32Array<ArrayBuffer> {
  const tooLarge = () =>
    new OutOfMemoryError(`${what} would need ${n} floats (${(n * 4 / 2 ** 30).toFixed(1)} GiB), more than can be allocated; use smaller batches or fewer rows per call`);
  if (n > MAX_FLOATS) throw tooLarge();
  try {
    return new Float32Array(n);
  } catch {
    throw tooLarge();
  }
}
