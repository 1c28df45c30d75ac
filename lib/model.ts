// Sequential: a stack of Dense layers over one flat parameter vector. The training loop is
// exposed step by step (forward, backward, optimizer.step, zeroGrad) and fused (trainStep, fit).
import { markAsUntransferable } from 'node:worker_threads';
import type { Backend, BatchRef, NetworkMemory } from './backend';
import { createJsBackend } from './backends/js';
import { createNativeBackend } from './backends/native';
import { toCallbackList, type Callbacks, type History } from './callbacks';
import { checkFinite, nonFiniteError, toInputs, toTargets, type InputData, type TargetData } from './data';
import { InvalidArgumentError, ModelBusyError, NonFiniteLossError, NotCompiledError, StateError } from './errors';
import { runFit } from './fit';
import { Dense } from './layers';
import {
  LOSS_BINARY_CROSSENTROPY, LOSS_CATEGORICAL_CROSSENTROPY, LOSS_MSE, LOSSES, Layout, type LossName,
} from './layout';
import type { TargetArray } from './native';
import { Optimizer } from './optim/optimizer';
import { Progress } from './progress';
import { Random } from './random';
import { boolean, invalid, knownKeys, oneOf, plainObject, positiveInteger } from './validate';

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
  private readonly layout: Layout;
  private readonly random: Random;
  private workspace = new Float32Array(0);
  private capacity = 0;
  private compiled: { loss: LossName; optimizer: Optimizer } | undefined;
  private lastForward: BatchRef | undefined;
  private readonly stepStats = new Float64Array(2);
  private training = false;
  /** Set to true (e.g. from a callback) to end fit() after the current chunk of batches, as in Keras. */
  stopTraining = false;

  constructor(options: SequentialOptions) {
    const o = plainObject('Sequential options', options);
    knownKeys('Sequential options', o, ['inputSize', 'layers', 'seed', 'backend']);
    this.inputSize = positiveInteger('inputSize', o.inputSize);
    if (!Array.isArray(o.layers) || o.layers.length === 0 || !o.layers.every((l) => l instanceof Dense)) {
      throw invalid('layers', 'non-empty array of Dense layers', o.layers);
    }
    // Checked before any layer is bound, so a refused model leaves every layer free.
    if (new Set(o.layers).size !== o.layers.length || o.layers.some((l: Dense) => l.isBound)) {
      throw new InvalidArgumentError('Each Dense layer can belong to one model, once; create a new Dense for every place it is used');
    }
    const seed = o.seed ?? 42;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw invalid('seed', 'integer', seed);
    this.backend = oneOf('backend', o.backend ?? 'native', ['native', 'js'] as const);

    this.layers = [...(o.layers as Dense[])];
    this.layout = new Layout(this.inputSize, this.layers);
    if (this.layout.paramCount >= 2 ** 31) throw invalid('layers', 'fewer than 2^31 parameters in total', this.layout.paramCount);
    this.outputSize = this.layout.outputs;
    this.ops = this.backend === 'native' ? createNativeBackend() : createJsBackend();
    this.params = new Float32Array(this.layout.paramCount);
    this.grads = new Float32Array(this.layout.paramCount);
    markAsUntransferable(this.params.buffer);
    markAsUntransferable(this.grads.buffer);
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
    this.requireIdle('compile');
    const o = plainObject('compile options', options);
    knownKeys('compile options', o, ['loss', 'optimizer']);
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
    o.optimizer.attach(this.params, this.grads, this.ops, (method) => this.requireIdle(`optimizer.${method}`));
    this.layout.loss = LOSS_CODES[loss];
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
    this.requireIdle('predict');
    const inputs = this.inputs(x);
    const samples = inputs.length / this.inputSize;
    const out = new Float32Array(samples * this.outputSize);
    this.reserve(Math.min(samples, Math.max(this.capacity, INFERENCE_CHUNK)));
    this.ops.predict(this.memory(), inputs, out);
    return out;
  }

  /** Mean loss (and accuracy for cross-entropy) over a data set, without touching gradients. */
  evaluate(x: InputData, y: TargetData): EvaluateResult {
    this.requireIdle('evaluate');
    this.requireCompiled('evaluate');
    const { inputs, targets, samples } = this.data(x, y);
    this.reserve(Math.min(samples, Math.max(this.capacity, INFERENCE_CHUNK)));
    const { loss, correct } = this.ops.evaluate(this.memory(), inputs, targets);
    const accuracy = this.accuracy(correct, samples);
    return accuracy === undefined ? { loss } : { loss, accuracy };
  }

  /** Forward pass over a batch; returns a copy of its output and keeps activations for backward(). */
  forward(x: InputData): Float32Array {
    this.requireIdle('forward');
    const inputs = this.inputs(x);
    const count = inputs.length / this.inputSize;
    this.reserve(count);
    const batch = { x: inputs, rows: null, start: 0, count };
    this.ops.forward(this.memory(), batch);
    this.lastForward = batch;
    const offset = this.layout.outputOffset(count);
    return this.workspace.slice(offset, offset + count * this.outputSize);
  }

  /** Loss of the last forward() batch against y, leaving the gradients alone. */
  computeLoss(y: TargetData): number {
    const { batch, targets } = this.afterForward('computeLoss', y);
    return this.ops.loss(this.memory(), targets, batch.count, batch, false);
  }

  /** Loss of the last forward() batch; accumulates ∂loss/∂params into grads and returns the loss. */
  backward(y: TargetData): number {
    const { batch, targets } = this.afterForward('backward', y);
    const memory = this.memory();
    const loss = this.ops.loss(memory, targets, batch.count, batch, true);
    this.ops.backward(memory, batch);
    return loss;
  }

  private afterForward(method: string, y: TargetData): { batch: BatchRef; targets: TargetArray } {
    this.requireIdle(method);
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
    this.requireIdle('trainStep');
    const { optimizer } = this.requireCompiled('trainStep');
    const inputs = toInputs('x', x, this.inputSize);
    const samples = inputs.length / this.inputSize;
    const targets = toTargets('y', y, samples, this.outputSize, this.layout.loss);
    this.reserve(samples);
    const stats = this.stepStats;
    const done = this.ops.trainStep(this.memory(), inputs, targets, optimizer, stats);
    if (done < 0) {
      throw stats[0] === 0
        ? nonFiniteError('x', inputs, stats[1] as number, this.inputSize)
        : nonFiniteError('y', targets as Float32Array, stats[1] as number, this.outputSize);
    }
    optimizer.advance(done);
    if (done === 0) {
      this.zeroGrad();
      throw new NonFiniteLossError(stats[0] as number);
    }
    return stats[0] as number;
  }

  /**
   * Trains for `epochs` passes in mini-batches of `batchSize` rows (the last may be shorter).
   * On the native backend the batches run on the libuv thread pool in chunks of about 50 ms, so
   * the event loop stays free; callbacks and progress run between chunks. While it runs, the
   * model is busy: other calls that use its buffers throw ModelBusyError.
   */
  async fit(x: InputData, y: TargetData, options: FitOptions = {}): Promise<History> {
    const { optimizer } = this.requireCompiled('fit');
    this.requireIdle('fit');
    const o = plainObject('fit options', options);
    knownKeys('fit options', o, ['epochs', 'batchSize', 'shuffle', 'verbose', 'callbacks', 'signal']);
    const epochs = positiveInteger('epochs', o.epochs ?? 1);
    const batchSizeOption = positiveInteger('batchSize', o.batchSize ?? 32);
    const shuffle = boolean('shuffle', o.shuffle ?? true);
    const verbose = o.verbose ?? 0;
    if (verbose !== 0 && verbose !== 1) throw invalid('verbose', '0 or 1', verbose);
    const callbacks = toCallbackList(o.callbacks);
    if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalid('signal', 'AbortSignal', o.signal);
    const { inputs, targets, samples } = this.data(x, y);

    const batchSize = Math.min(batchSizeOption, samples);
    this.reserve(batchSize);
    // The thread pool reads these while JS runs: a transfer must not take their memory away.
    markAsUntransferable(inputs.buffer);
    markAsUntransferable(targets.buffer);
    this.stopTraining = false;
    this.training = true;
    try {
      return await runFit({
        backend: this.ops, memory: this.memory(), inputs, targets, samples, batchSize, epochs, shuffle,
        optimizer, random: this.random, callbacks, signal: o.signal,
        progress: verbose === 1 ? new Progress(epochs, Math.ceil(samples / batchSize)) : undefined,
        accuracy: (correct, rows) => this.accuracy(correct, rows),
        stopRequested: () => this.stopTraining,
      });
    } finally {
      this.training = false;
    }
  }

  /** True while fit() runs. */
  get isTraining(): boolean {
    return this.training;
  }

  private requireIdle(method: string): void {
    if (this.training) throw new ModelBusyError(method);
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
    this.workspace = new Float32Array(this.layout.workspaceSize(rows));
    markAsUntransferable(this.workspace.buffer);
    this.capacity = rows;
  }

  private memory(): NetworkMemory {
    return { layout: this.layout, params: this.params, grads: this.grads, workspace: this.workspace };
  }
}
