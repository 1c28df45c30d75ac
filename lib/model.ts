// Sequential: a stack of Dense layers over one flat parameter vector. The training loop is
// exposed step by step (forward, backward, optimizer.step, zeroGrad) and fused (trainStep, fit).
import type { Backend, BatchRef } from './backend';
import { createJsBackend } from './backends/js';
import { createNativeBackend } from './backends/native';
import { toCallbackList, type Callbacks, type History } from './train/callbacks';
import { checkFinite, nonFiniteError, requireFixedSize, toInputs, toTargets, type InputData, type TargetData } from './data/arrays';
import {
  BlastrainError, FileError, InvalidArgumentError, ModelBusyError, ModelFormatError, NotCompiledError, OutOfMemoryError, ShapeError,
  StateError,
} from './errors';
import { runFit, trainOutcome } from './train/fit';
import { ArrayFeed, StreamFeed, type BatchFeed, type StreamBatch } from './train/feed';
import { Scaler, type ScalerRecord } from './data/scalers';
import { checkColumns, type Columns } from './data/table';
import { isDataSource, streamBatches, toDataset, type DataSource } from './data/source';
import { JOB_NON_FINITE_INPUT, STATS_HEADER, STATS_SAMPLE, STATS_STATUS, STATS_VALUE, BATCH_COUNTERS, BATCH_LOSS, statsFor } from './job';
import { Dense, Dropout, type Layer } from './layers';
import {
  LOSS_BINARY_CROSSENTROPY, LOSS_CATEGORICAL_CROSSENTROPY, LOSS_MSE, LOSSES, Layout, type LossName,
} from './layout';
import type { TargetArray } from './native';
import { Optimizer } from './optim/optimizer';
import { Progress } from './train/progress';
import { Random } from './random';
import { writeFileAtomic } from './io/atomic-write';
import {
  architectureOf, checkModelTensors, checkShape, encodeModel, parameterTensors, parseRecord, readTargets, type ModelRecord,
  type TensorTarget,
} from './io/model-file';
import { elementCount, readHeader, type ByteSource } from './io/safetensors';
import { toOnnx } from './io/onnx';
import { memorySource, withFile } from './io/sources';
import { readTfjs, toTfjs, writeTfjs } from './io/tfjs';
import { createOptimizer } from './optim/registry';
import { kindIn, ownView } from './typed-arrays';
import { LRSchedule } from './train/schedules';
import { metricFromConfig, resolveMetrics, type Metric, type MetricConfig, type MetricName, type MetricSet } from './metrics/metrics';
import { boolean, finiteNumber, invalid, nonEmptyString, oneOf, positiveInteger, readArray, readOptions, safeInteger } from './validate';

export interface SequentialOptions {
  /** Features per sample. */
  inputSize: number;
  /** Dense and Dropout layers; the last one is Dense. */
  layers: Layer[];
  /** Seeds weight initialisation and shuffling. Default 42. */
  seed?: number;
  /** 'native' (OpenBLAS, default) or 'js' (plain TypeScript, same maths). */
  backend?: 'native' | 'js';
}

export interface CompileOptions {
  loss: LossName;
  optimizer: Optimizer;
  /**
   * Computed natively in the same pass as the loss; reported in batch and epoch logs, History
   * and evaluate(). Names ('accuracy', 'topKAccuracy', 'mae', 'mse', 'rmse', 'precision',
   * 'recall', 'f1') or metrics such as topKAccuracy(3), f1({ average: 'macro' }). Default:
   * ['accuracy'] for the cross-entropy losses, none for mse.
   */
  metrics?: readonly (MetricName | Metric)[] | undefined;
}

export interface FitOptions {
  /** Passes over the data. Default 1. */
  epochs?: number;
  /** Rows per update; ≥ the sample count gives full-batch gradient descent. Default 32. */
  batchSize?: number;
  /**
   * Arrays: reshuffle the sample order every epoch (seeded by the model's seed); default true.
   * Streams: `{ bufferSize }` for a shuffle buffer; default false (a stream is not shuffled whole).
   */
  shuffle?: boolean | { bufferSize: number };
  /** 0 silent; 1 a progress bar on a terminal, one line per epoch otherwise. Default 0. */
  verbose?: 0 | 1;
  /** Where verbose output goes (a log file, stderr, …). Default process.stdout. */
  verboseStream?: NodeJS.WritableStream;
  /** Keras-style callbacks, called in order; returned Promises are awaited. */
  callbacks?: Callbacks | Callbacks[];
  /** Aborting stops training before the next batch; fit rejects with an AbortError. */
  signal?: AbortSignal;
  /** Held-out data evaluated after every epoch (off the main thread): logs gain valLoss and val<Metric>. Arrays or a stream. */
  validationData?: [InputData, TargetData] | DataSource;
  /** Or: this fraction of the rows, taken from the end before any shuffling (as Keras does), held out. */
  validationSplit?: number;
  /** Rows per validation chunk. Default: batchSize. */
  validationBatchSize?: number;
  /** A learning-rate schedule (StepLR, OneCycleLR, …); per-batch rates run inside the native loop. */
  lrSchedule?: LRSchedule;
  /** Report each batch's gradient norm (before clipping) in onBatchEnd's logs. Default false. */
  logGradNorm?: boolean;
}

export interface SaveOptions {
  /** Also store the optimizer's state and step count, to resume training exactly. Default false. */
  optimizer?: boolean;
}

export interface LoadOptions {
  /** Default 'native'. */
  backend?: 'native' | 'js';
}

export interface LoadWeightsOptions {
  /** Refuse a file whose tensor names are not exactly the model's (PyTorch's strict). Default true. */
  strict?: boolean;
  /**
   * Maps a file's tensor name (after DDP's `module.` prefix is stripped) to the model's name
   * for it (`0.weight`, `0.bias`, `2.weight`, …), or undefined to skip that tensor.
   */
  rename?: (name: string) => string | undefined;
}

/** As PyTorch's load_state_dict returns: the names the file lacked and the ones the model has no place for. */
export interface LoadWeightsResult {
  missing: string[];
  unexpected: string[];
}

export interface EvaluateResult {
  loss: number;
  /** Each compiled metric by its name: accuracy, top5Accuracy, mae, macroF1, … */
  [metric: string]: number;
}

interface Compiled {
  loss: LossName;
  optimizer: Optimizer;
  metrics: MetricSet;
}

const LOSS_CODES: Record<LossName, number> = {
  mse: LOSS_MSE,
  categoricalCrossentropy: LOSS_CATEGORICAL_CROSSENTROPY,
  binaryCrossentropy: LOSS_BINARY_CROSSENTROPY,
};

/**
 * Rows predict() and evaluate() push through the network per chunk: as many as fit a 16 MiB
 * workspace, from 256 to 1,024. Bigger GEMMs split better over threads (measured: 1,024-row
 * chunks predict 5–15% faster than 256 on small and medium), and the bound keeps the workspace,
 * which only grows, modest for wide models.
 */
export function inferenceChunk(layout: Layout): number {
  return Math.max(256, Math.min(1024, Math.floor((16 * 2 ** 20) / (4 * layout.plan.workspaceRow))));
}

export class Sequential {
  readonly layers: readonly Layer[];
  readonly inputSize: number;
  readonly outputSize: number;
  /** Every parameter, PyTorch state_dict order: W_0 (out×in row-major), b_0, W_1, b_1, … */
  readonly params: Float32Array;
  /** ∂loss/∂params, same layout. */
  readonly grads: Float32Array;
  readonly backend: 'native' | 'js';
  /** The seed the model was built with (initialisation, and the start of shuffling). */
  readonly seed: number;
  private readonly ops: Backend;
  private layout: Layout;
  private readonly random: Random;
  private workspace = new Float32Array(0);
  private capacity = 0;
  private compiled: Compiled | undefined;
  private lastForward: BatchRef | undefined;
  private stepStats = statsFor(1, 0);
  /** The call that holds the model (fit for its whole run, any other call while it runs), or undefined. */
  private busy: string | undefined;
  /** A save started from a fit callback, still reading the buffers: fit waits for it before its next chunk. */
  private reading: Promise<void> | undefined;
  /** The input preprocessing (setPreprocessing), a snapshot the caller cannot change. */
  private scaler: Scaler | undefined;
  /** The table columns the model reads and predicts (setColumns), frozen. */
  private tableColumns: Columns | undefined;
  /** Set to true (e.g. from a callback) to end fit() after the current chunk of batches, as in Keras. */
  stopTraining = false;

  constructor(options: SequentialOptions) {
    const o = readOptions('Sequential options', options, ['inputSize', 'layers', 'seed', 'backend']);
    this.inputSize = positiveInteger('inputSize', o.inputSize);
    const layers = readArray(o.layers);
    if (layers === undefined || layers.length === 0 || !layers.every((l) => l instanceof Dense || l instanceof Dropout)) {
      throw invalid('layers', 'non-empty array of Dense and Dropout layers', o.layers);
    }
    if (!(layers.at(-1) instanceof Dense)) throw new InvalidArgumentError('Expected a Dense layer last (the output layer) but received Dropout');
    // Checked before any layer is bound, so a refused model leaves every layer free.
    if (new Set(layers).size !== layers.length || layers.some((l) => (l as Layer).isBound)) {
      throw new InvalidArgumentError('Each layer can belong to one model, once; create a new layer for every place it is used');
    }
    const seed = safeInteger('seed', o.seed ?? 42);
    this.backend = oneOf('backend', o.backend ?? 'native', ['native', 'js'] as const);

    this.layers = layers as Layer[];
    let units = this.inputSize;
    const shapes = this.layers.map((layer) => {
      const shape = layer instanceof Dropout ? { kind: 'dropout' as const, units, activation: 'linear' as const, leakyReluAlpha: 0, rate: layer.rate } : layer;
      units = shape.units;
      return shape;
    });
    this.layout = new Layout(this.inputSize, shapes, LOSS_MSE, seed);
    if (this.layout.paramCount >= 2 ** 31) throw invalid('layers', 'fewer than 2^31 parameters in total', this.layout.paramCount);
    this.outputSize = this.layout.outputs;
    // Stryker disable next-line StringLiteral: reached only when the machine cannot give the ≤ 8 GiB the paramCount check allows
    this.params = allocateFloats('the parameters', this.layout.paramCount);
    // Stryker disable next-line StringLiteral: reached only when the machine cannot give the ≤ 8 GiB the paramCount check allows
    this.grads = allocateFloats('the gradients', this.layout.paramCount);
    // The native backend pins both (untransferable, fixed size) for as long as the model lives.
    this.ops = (this.backend === 'native' ? createNativeBackend : createJsBackend)(this.layout, this.params, this.grads);
    this.seed = seed;
    this.random = new Random(seed);
    this.layers.forEach((layer, l) => {
      if (layer instanceof Dropout) return layer.bind(this.layout.outOf(l));
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
    const o = readOptions('compile options', options, ['loss', 'optimizer', 'metrics']);
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
    const metrics = resolveMetrics(o.metrics, LOSS_CODES[loss], this.outputSize);
    const layout = this.layout.withLoss(LOSS_CODES[loss], metrics.counters);
    // The optimizer first: one that belongs to another model is refused before anything here
    // changes. The backend's new plan then takes the optimizer over.
    o.optimizer.attach(this.params, this.grads, this.ops, (method) => this.requireIdle(`optimizer.${method}`));
    this.ops.setLayout(layout);
    this.layout = layout;
    this.stepStats = statsFor(1, layout.batchStats);
    this.compiled = { loss, optimizer: o.optimizer, metrics };
  }

  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer;
  }
  get loss(): LossName | undefined {
    return this.compiled?.loss;
  }
  /**
   * Makes a fitted StandardScaler or MinMaxScaler the model's input preprocessing: from then on
   * every call that takes rows (fit, trainStep, forward, predict, evaluate and their async
   * forms, streams included) scales them first, into a copy, and save() stores it, so a loaded
   * model takes raw rows too. null removes it. The scaler is copied: refitting it later does not
   * change the model.
   */
  setPreprocessing(scaler: Scaler | null): void {
    this.exclusive('setPreprocessing', () => {
      if (scaler === null) {
        this.scaler = undefined;
        return;
      }
      if (!(scaler instanceof Scaler)) throw invalid('scaler', 'fitted StandardScaler or MinMaxScaler, or null', scaler);
      const copy = Scaler.fromJSON(scaler.toJSON());
      if (copy.features !== this.inputSize) throw new ShapeError(`Expected a scaler fitted on ${this.inputSize} features (the model's inputSize) but it was fitted on ${copy.features}`);
      this.scaler = copy;
    });
  }

  /** The input preprocessing, as its record (type, offset, factor), or undefined. */
  get preprocessing(): ScalerRecord | undefined {
    return this.scaler?.toJSON();
  }

  /**
   * Records which table columns the model reads (`features`, in input order) and predicts
   * (`target`, and a categorical target's `classes` in label order, one per output or two for a
   * single sigmoid output); save() stores them, so whoever loads the model can decode a file's
   * rows for it and name its outputs (the CLI's eval and predict do). null removes them.
   */
  setColumns(columns: Columns | null): void {
    this.exclusive('setColumns', () => {
      this.tableColumns = columns === null ? undefined : checkColumns(columns, this.inputSize, this.outputSize);
    });
  }

  /** The table columns set with setColumns (or loaded with the model), or undefined. */
  get columns(): Columns | undefined {
    return this.tableColumns;
  }

  /** The names of the compiled metrics, as they appear in logs, History and evaluate(). */
  get metricNames(): string[] {
    return this.compiled?.metrics.metrics.map((m) => m.name) ?? [];
  }

  /** Outputs (samples × outputSize, activation applied) for every row of x. */
  predict(x: InputData): Float32Array {
    return this.exclusive('predict', () => {
      const inputs = this.inputs(x);
      const samples = inputs.length / this.inputSize;
      const out = allocateFloats('the predictions', samples * this.outputSize);
      // Stryker disable next-line MethodExpression: only how much workspace is reserved changes, never a result
      this.reserve(Math.min(samples, Math.max(this.capacity, inferenceChunk(this.layout))));
      this.ops.predict(inputs, out);
      return out;
    });
  }

  /**
   * predict() on the libuv thread pool, in chunks of `batchSize` rows (default 256), so a large
   * input does not stall the event loop; x and the output are pinned while it runs. The model is
   * busy meanwhile, as during fit. For a few rows, predict() is faster (no thread-pool round trip).
   */
  async predictAsync(x: InputData, options: { batchSize?: number } = {}): Promise<Float32Array> {
    this.enter('predictAsync');
    try {
      const o = readOptions('predictAsync options', options, ['batchSize']);
      const batchSize = positiveInteger('batchSize', o.batchSize ?? inferenceChunk(this.layout));
      const inputs = this.inputs(x);
      requireFixedSize('x', inputs);
      const samples = inputs.length / this.inputSize;
      const out = allocateFloats('the predictions', samples * this.outputSize);
      this.reserve(Math.min(samples, Math.max(this.capacity, batchSize)));
      await this.ops.predictAsync(inputs, out, Math.min(batchSize, this.capacity));
      return out;
    } finally {
      this.busy = undefined;
    }
  }

  /** Mean loss and every compiled metric over a data set, without touching gradients. */
  evaluate(x: InputData, y: TargetData): EvaluateResult {
    return this.exclusive('evaluate', () => {
      this.requireCompiled('evaluate');
      const { inputs, targets, samples } = this.data(x, y);
      // Stryker disable next-line MethodExpression: only how much workspace is reserved changes, never a result
      this.reserve(Math.min(samples, Math.max(this.capacity, inferenceChunk(this.layout))));
      return this.evaluation(this.ops.evaluate(inputs, targets));
    });
  }

  /**
   * evaluate() on the libuv thread pool, in chunks of `batchSize` rows (default 256), so a large
   * data set does not stall the event loop. The model is busy meanwhile, as during fit.
   */
  async evaluateAsync(x: InputData, y: TargetData, options?: { batchSize?: number }): Promise<EvaluateResult>;
  /** Over a stream (a Dataset of examples, batched here by batchSize, or of batches). */
  async evaluateAsync(data: DataSource, options?: { batchSize?: number }): Promise<EvaluateResult>;
  async evaluateAsync(x: InputData | DataSource, y?: TargetData | { batchSize?: number }, options: { batchSize?: number } = {}): Promise<EvaluateResult> {
    this.enter('evaluateAsync');
    try {
      this.requireCompiled('evaluateAsync');
      const o = readOptions('evaluateAsync options', isDataSource(x) ? (y ?? {}) : options, ['batchSize']);
      const batchSize = positiveInteger('batchSize', o.batchSize ?? inferenceChunk(this.layout));
      if (isDataSource(x)) return await this.evaluateStream(streamBatches(toDataset(x), batchSize, undefined, this.seed), batchSize);
      const data = this.data(x, y);
      requireFixedSize('x', data.inputs);
      requireFixedSize('y', data.targets);
      return await this.evaluateArrays(data, batchSize);
    } finally {
      this.busy = undefined;
    }
  }

  /**
   * Forward pass over a batch in training mode (dropout active, its masks those of the next
   * optimizer step); returns a copy of its output and keeps activations for backward().
   */
  forward(x: InputData): Float32Array {
    return this.exclusive('forward', () => {
      const inputs = this.inputs(x);
      const count = inputs.length / this.inputSize;
      this.reserve(count);
      const batch = { x: inputs, rows: null, start: 0, count, step: this.compiled?.optimizer.stepCount ?? 0 };
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
      // Stryker disable next-line BooleanLiteral: the gradient it would also write is rewritten by the next backward() before anything reads it
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
      const inputs = this.scaled(toInputs('x', x, this.inputSize));
      const samples = inputs.length / this.inputSize;
      const targets = toTargets('y', y, samples, this.outputSize, this.layout.loss);
      this.reserve(samples);
      const stats = this.stepStats;
      // Stryker disable next-line BooleanLiteral: trainStep returns the loss only; a norm computed for nothing changes no result
      const run = { x: inputs, y: targets, rows: null, batchSize: samples, firstBatch: 0, batchCount: 1, step: optimizer.stepCount, schedule: null, gradNorm: false };
      this.ops.train(run, stats);
      if (stats[STATS_STATUS] === JOB_NON_FINITE_INPUT) {
        const index = stats[STATS_VALUE] as number;
        throw stats[STATS_SAMPLE] === 0
          ? nonFiniteError('x', inputs, index, this.inputSize)
          : nonFiniteError('y', targets as Float32Array, index, this.outputSize);
      }
      const { completed, error } = trainOutcome(stats, this.layout);
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
  async fit(x: InputData, y: TargetData, options?: FitOptions): Promise<History>;
  /**
   * Trains on a stream: a Dataset (of examples, batched here by batchSize, or of batches), any
   * async iterable of `{ x, y }` batches, or a function returning an (async) iterable per epoch.
   * Native training of one batch overlaps JavaScript producing the next, and at most one batch
   * is read ahead. A stream is not shuffled whole: pass `shuffle: { bufferSize }` for a shuffle
   * buffer (default: no shuffling).
   */
  async fit(data: DataSource, options?: FitOptions): Promise<History>;
  async fit(x: InputData | DataSource, y?: TargetData | FitOptions, options: FitOptions = {}): Promise<History> {
    // The model is taken before any user code (an option getter, a callback) can run.
    this.enter('fit');
    try {
      const { optimizer } = this.requireCompiled('fit');
      const stream = isDataSource(x);
      const o = readOptions('fit options', stream ? (y ?? {}) : options, [
        'epochs', 'batchSize', 'shuffle', 'verbose', 'verboseStream', 'callbacks', 'signal', 'validationData', 'validationSplit',
        'validationBatchSize', 'lrSchedule', 'logGradNorm',
      ]);
      const epochs = positiveInteger('epochs', o.epochs ?? 1);
      const batchSizeOption = positiveInteger('batchSize', o.batchSize ?? 32);
      const verbose = o.verbose ?? 0;
      if (verbose !== 0 && verbose !== 1) throw invalid('verbose', '0 or 1', verbose);
      const verboseStream = o.verboseStream ?? process.stdout;
      if (typeof (verboseStream as Partial<NodeJS.WritableStream>).write !== 'function') throw invalid('verboseStream', 'writable stream', verboseStream);
      const callbacks = toCallbackList(o.callbacks);
      const signal = o.signal;
      if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid('signal', 'AbortSignal', signal);
      if (o.lrSchedule !== undefined && !(o.lrSchedule instanceof LRSchedule)) throw invalid('lrSchedule', 'schedule such as new StepLR({ stepSize: 10 })', o.lrSchedule);
      const gradNorm = boolean('logGradNorm', o.logGradNorm ?? false);
      const validationBatchSize = o.validationBatchSize === undefined ? undefined : positiveInteger('validationBatchSize', o.validationBatchSize);

      let feed: BatchFeed;
      let validate: (() => Promise<EvaluateResult>) | undefined;
      if (stream) {
        if (o.validationSplit !== undefined) throw invalid('validationSplit', 'no value for a stream (split it with dataset.split(fraction) and pass validationData)', o.validationSplit);
        const batches = streamBatches(toDataset(x as DataSource), batchSizeOption, o.shuffle, this.seed);
        feed = new StreamFeed(() => batches[Symbol.asyncIterator](), (element, index) => this.streamBatch(element, index));
        const held = o.validationData;
        if (isDataSource(held)) {
          const heldBatches = streamBatches(toDataset(held as DataSource), validationBatchSize ?? batchSizeOption, undefined, this.seed);
          validate = () => this.evaluateStream(heldBatches, validationBatchSize ?? inferenceChunk(this.layout));
        } else if (held !== undefined) {
          const validation = this.validationArrays(held);
          validate = () => this.evaluateArrays(validation, validationBatchSize ?? batchSizeOption);
        }
      } else {
        const shuffle = boolean('shuffle', o.shuffle ?? true);
        const all = this.data(x, y);
        const { inputs, targets, samples, validation } = this.validationSet(all, o.validationData, o.validationSplit);
        requireFixedSize('x', inputs);
        requireFixedSize('y', targets);
        const batchSize = Math.min(batchSizeOption, samples);
        this.reserve(batchSize);
        feed = new ArrayFeed(inputs, targets, samples, batchSize, shuffle, this.random);
        if (validation !== undefined) validate = () => this.evaluateArrays(validation, validationBatchSize ?? batchSize);
      }
      this.stopTraining = false;
      return await runFit({
        model: this, schedule: o.lrSchedule as LRSchedule | undefined, gradNorm, validate,
        backend: this.ops, feed, epochs, optimizer, callbacks, signal,
        progress: verbose === 1 ? new Progress(epochs, feed.batches, verboseStream as NodeJS.WritableStream) : undefined,
        layout: this.layout,
        metricValues: (slots, at) => this.metricValues(slots, at),
        stopRequested: () => this.stopTraining,
        zeroGrads: () => this.grads.fill(0),
        waitForReaders: async () => {
          while (this.reading !== undefined) await this.reading;
        },
      });
    } finally {
      while (this.reading !== undefined) await this.reading.catch(() => undefined);
      this.busy = undefined;
    }
  }

  /** A stream's element as a batch the backends read (shapes, labels and finiteness checked), with room in the workspace. */
  private streamBatch(element: unknown, index: number): StreamBatch {
    if (typeof element !== 'object' || element === null) throw invalid(`batch ${index} of the stream`, '{ x, y } batch', element);
    const { x, y } = readOptions(`batch ${index} of the stream`, element, ['x', 'y']);
    const { inputs, targets, samples } = this.data(x, y);
    requireFixedSize('x', inputs);
    requireFixedSize('y', targets);
    this.reserve(samples);
    return { x: inputs, y: targets, samples };
  }

  /** evaluateAsync over in-memory arrays, in chunks of batchSize rows. */
  private async evaluateArrays(data: { inputs: Float32Array; targets: TargetArray; samples: number }, batchSize: number): Promise<EvaluateResult> {
    this.reserve(Math.min(data.samples, Math.max(this.capacity, batchSize)));
    return this.evaluation(await this.ops.evaluateAsync(data.inputs, data.targets, Math.min(batchSize, this.capacity)));
  }

  /** evaluateAsync over a stream of batches: losses weighted by rows and metric counters summed over all of them. */
  private async evaluateStream(batches: AsyncIterable<unknown>, batchSize: number): Promise<EvaluateResult> {
    const sums = new Float64Array(this.layout.batchStats);
    let rows = 0;
    let index = 0;
    for await (const element of batches) {
      const batch = this.streamBatch(element, index++);
      const totals = await this.ops.evaluateAsync(batch.x, batch.y, Math.min(batchSize, this.capacity));
      sums[BATCH_LOSS]! += (totals[BATCH_LOSS] as number) * batch.samples;
      // Stryker disable next-line EqualityOperator,AssignmentOperator: a typed array ignores the write one past its end; every metric is a ratio of counters, which negating them all keeps
      for (let i = BATCH_COUNTERS; i < sums.length; i++) sums[i]! += totals[i] as number;
      rows += batch.samples;
    }
    if (rows === 0) throw new InvalidArgumentError('Expected at least one batch in the validation stream but it was empty');
    sums[BATCH_LOSS]! /= rows;
    return this.evaluation(sums);
  }

  /**
   * Writes the model to one safetensors file (tensors named as PyTorch's nn.Sequential
   * state_dict; architecture, loss and optimizer in its metadata), atomically: a crash at any
   * moment leaves the old file or the new one. With `optimizer: true` the optimizer's state and
   * step count (and the shuffling state) go in too, so training resumes exactly. Works between
   * fit's chunks, from a callback (fit waits for it).
   */
  async save(path: string, options: SaveOptions = {}): Promise<void> {
    nonEmptyString('path', path);
    const o = readOptions('save options', options, ['optimizer']);
    const chunks = this.encode('save', boolean('optimizer', o.optimizer ?? false));
    await this.holdWhileReading('save', async () => {
      try {
        await writeFileAtomic(path, chunks);
      } catch (error) {
        throw new FileError(`Cannot save the model to ${path}: ${(error as Error).message}`, { cause: error });
      }
    });
  }

  /** The same bytes save() writes, in memory (for a database or an object store). */
  toBuffer(options: SaveOptions = {}): Buffer {
    const o = readOptions('toBuffer options', options, ['optimizer']);
    return Buffer.concat(this.encode('toBuffer', boolean('optimizer', o.optimizer ?? false)));
  }

  /** A model saved by save(), with its loss, optimizer (and its state, when saved) restored. */
  static async load(path: string, options: LoadOptions = {}): Promise<Sequential> {
    nonEmptyString('path', path);
    const backend = loadBackend(options);
    return withFile(path, (source) => Sequential.read(source, backend));
  }

  /** A model from the bytes of toBuffer() or of a saved file. */
  static async fromBuffer(bytes: Uint8Array, options: LoadOptions = {}): Promise<Sequential> {
    const backend = loadBackend(options);
    return Sequential.read(memorySource(bufferBytes(bytes)), backend);
  }

  /**
   * Loads weights from a safetensors file or buffer written from a PyTorch state_dict (or by
   * save()) into this model: names as nn.Sequential gives them (`0.weight`, `0.bias`, …), DDP's
   * `module.` prefix stripped, other names mapped by `rename`. F16, BF16 and F64 are converted.
   * On any error the model keeps the weights it had.
   */
  async loadWeights(source: string | Uint8Array, options: LoadWeightsOptions = {}): Promise<LoadWeightsResult> {
    const o = readOptions('loadWeights options', options, ['strict', 'rename']);
    const strict = boolean('strict', o.strict ?? true);
    const rename = o.rename;
    if (rename !== undefined && typeof rename !== 'function') throw invalid('rename', 'function', rename);
    const bytes = typeof source === 'string' ? undefined : bufferBytes(source);
    this.enter('loadWeights');
    try {
      const read = async (from: ByteSource) => this.readWeights(from, strict, rename as LoadWeightsOptions['rename']);
      return bytes === undefined ? await withFile(source as string, read) : await read(memorySource(bytes));
    } finally {
      this.busy = undefined;
    }
  }

  private async readWeights(source: ByteSource, strict: boolean, rename: LoadWeightsOptions['rename']): Promise<LoadWeightsResult> {
    const header = await readHeader(source);
    const ours = header.metadata.format === 'blastrain';
    const byName = new Map<string, string>(); // model name → file name
    const unexpected: string[] = [];
    for (const fileName of header.tensors.keys()) {
      if (ours && fileName.startsWith('optimizer.')) continue;
      const stripped = fileName.startsWith('module.') ? fileName.slice('module.'.length) : fileName;
      const name = rename === undefined ? stripped : rename(stripped);
      if (name === undefined) continue;
      if (typeof name !== 'string') throw invalid(`rename('${stripped}')`, 'string or undefined', name);
      if (byName.has(name)) throw new ModelFormatError(`${source.label}: tensors '${byName.get(name)}' and '${fileName}' both map to '${name}'`);
      byName.set(name, fileName);
    }
    const tensors = parameterTensors(this.architecture());
    const known = new Set(tensors.map((t) => t.name));
    for (const name of byName.keys()) if (!known.has(name)) unexpected.push(name);
    const missing = tensors.filter((t) => !byName.has(t.name)).map((t) => t.name);
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      throw new ModelFormatError(
        `${source.label} does not match the model (strict): ` +
          [missing.length > 0 ? `missing ${missing.join(', ')}` : '', unexpected.length > 0 ? `unexpected ${unexpected.join(', ')}` : '']
            .filter(Boolean).join('; ') + '. Pass { strict: false } to load what matches, or { rename } to map names',
      );
    }
    const targets: TensorTarget[] = [];
    for (const t of tensors) {
      const fileName = byName.get(t.name);
      if (fileName === undefined) continue;
      const entry = header.tensors.get(fileName)!;
      checkShape(source, entry, t.name, t.shape);
      targets.push({ entry, target: this.params.subarray(t.offset, t.offset + elementCount(t.shape)) });
    }
    const before = this.params.slice();
    try {
      await readTargets(source, header, targets);
    } catch (error) {
      this.params.set(before);
      throw error;
    }
    return { missing, unexpected };
  }

  /**
   * Writes a TensorFlow.js layers model (model.json + weights.bin) that tf.loadLayersModel
   * loads with the same predictions. Dense kernels are transposed to Keras's (in, out).
   */
  async exportTfjs(dir: string): Promise<void> {
    nonEmptyString('dir', dir);
    this.requireReadable('exportTfjs');
    await writeTfjs(dir, toTfjs(this.architecture(), this.params));
  }

  /** A model from a TensorFlow.js layers model directory (Dense layers only), not compiled. */
  static async fromTfjs(dir: string, options: LoadOptions & { seed?: number } = {}): Promise<Sequential> {
    nonEmptyString('dir', dir);
    const o = readOptions('fromTfjs options', options, ['backend', 'seed']);
    const backend = oneOf('backend', o.backend ?? 'native', ['native', 'js'] as const);
    const seed = safeInteger('seed', o.seed ?? 42);
    const { architecture, params } = await readTfjs(dir);
    const model = Sequential.build(dir, { architecture: { ...architecture, seed } }, backend);
    model.params.set(params);
    return model;
  }

  /**
   * Writes an ONNX model (opset 13, Gemm + activation nodes, input 'input' and output 'output'
   * of shape (batch, features)) for onnxruntime and every other ONNX runtime.
   */
  async exportOnnx(path: string): Promise<void> {
    nonEmptyString('path', path);
    this.requireReadable('exportOnnx');
    const bytes = toOnnx(this.architecture(), this.params, { architecture: JSON.stringify(this.architecture()), ...(this.loss && { loss: this.loss }) });
    try {
      await writeFileAtomic(path, [bytes]);
    } catch (error) {
      throw new FileError(`Cannot write the ONNX model to ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** The architecture (and loss and optimizer, once compiled), as a model file records them. */
  toJSON(): ModelRecord {
    const optimizer = this.compiled?.optimizer;
    return {
      architecture: this.architecture(),
      ...(this.compiled && { loss: this.compiled.loss, metrics: this.metricConfigs() }),
      ...(optimizer && { optimizer: { type: optimizer.type, options: optimizer.options } }),
      ...(this.scaler && { preprocessing: this.scaler.toJSON() }),
      ...(this.tableColumns && { columns: this.tableColumns }),
    };
  }

  /** A Keras-style table: each layer's output shape, parameter count and activation, then the totals. */
  summary(): string {
    const rows = [['Layer (type)', 'Output shape', 'Param #', 'Activation']];
    let inputs = this.inputSize;
    this.layers.forEach((layer, l) => {
      if (layer instanceof Dropout) rows.push([`dropout_${l + 1} (Dropout ${layer.rate})`, `(None, ${layer.units})`, '0', '']);
      else rows.push([`dense_${l + 1} (Dense)`, `(None, ${layer.units})`, (layer.units * (inputs + 1)).toLocaleString('en-US'), layer.activation]);
      inputs = layer.units;
    });
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)) + 2);
    const line = (r: string[]) => r.map((cell, c) => (c === 2 ? cell.padStart(widths[c]! - 2).padEnd(widths[c]!) : cell.padEnd(widths[c]!))).join('').trimEnd();
    const rule = '─'.repeat(widths.reduce((a, b) => a + b, 0));
    const bytes = this.params.length * 4;
    return [
      `Model: Sequential (input ${this.inputSize} features, ${this.backend} backend)`, rule, line(rows[0]!), rule, ...rows.slice(1).map(line), rule,
      `Total params: ${this.params.length.toLocaleString('en-US')} (${bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(2)} KiB`})`,
      ...(this.compiled
        ? [`Loss: ${this.compiled.loss}; optimizer: ${this.compiled.optimizer.type} (lr ${this.compiled.optimizer.lr})` +
            (this.metricNames.length > 0 ? `; metrics: ${this.metricNames.join(', ')}` : '')]
        : []),
    ].join('\n');
  }

  private metricConfigs(): MetricConfig[] {
    return this.compiled!.metrics.metrics.map((m) => m.config);
  }

  /** The architecture as a model file records it. */
  private architecture() {
    return architectureOf(this.inputSize, this.seed, this.layers);
  }

  /** The file's chunks: header, params and (optionally) optimizer state, as views (no copy). */
  private encode(method: string, withOptimizer: boolean): Uint8Array[] {
    this.requireReadable(method);
    const optimizer = this.compiled?.optimizer;
    if (withOptimizer && optimizer === undefined) throw new NotCompiledError(`Cannot ${method} with { optimizer: true } before compile({ loss, optimizer })`);
    const record: ModelRecord = {
      ...this.toJSON(),
      ...(withOptimizer && { optimizerStep: optimizer!.stepCount, randomState: this.random.state }),
    };
    const state = withOptimizer
      ? { names: optimizer!.stateNames, buffers: optimizer!.stateNames.map((n) => optimizer!.stateBuffer(n)) }
      : undefined;
    return encodeModel(record, this.params, state);
  }

  /** Reading the buffers is safe when the model is idle, or between fit's chunks (a callback). */
  private requireReadable(method: string): void {
    if (this.busy !== undefined && !(this.busy === 'fit' && !this.ops.running)) throw new ModelBusyError(method);
  }

  /**
   * Runs an async read of the model's buffers: holding the model when it is idle, or, from a
   * fit callback, as a reader fit waits for before its next chunk.
   */
  private async holdWhileReading(method: string, read: () => Promise<void>): Promise<void> {
    this.requireReadable(method);
    if (this.busy === 'fit') {
      const previous = this.reading;
      const current = (async () => {
        await previous?.catch(() => undefined);
        await read();
      })();
      this.reading = current;
      try {
        await current;
      } finally {
        if (this.reading === current) this.reading = undefined;
      }
      return;
    }
    this.enter(method);
    try {
      await read();
    } finally {
      this.busy = undefined;
    }
  }

  private static async read(source: ByteSource, backend: 'native' | 'js'): Promise<Sequential> {
    const header = await readHeader(source);
    const record = parseRecord(source, header.metadata);
    const stateNames = record.optimizerStep !== undefined ? stateNamesOf(source, record) : [];
    checkModelTensors(source, header, record, stateNames);
    const model = Sequential.build(source.label, record, backend);
    const targets: TensorTarget[] = parameterTensors(record.architecture).map((t) => ({
      entry: header.tensors.get(t.name)!,
      target: model.params.subarray(t.offset, t.offset + elementCount(t.shape)),
    }));
    for (const name of stateNames) targets.push({ entry: header.tensors.get(`optimizer.${name}`)!, target: model.optimizer!.stateBuffer(name) });
    await readTargets(source, header, targets);
    if (record.optimizerStep !== undefined) model.optimizer!.advance(record.optimizerStep);
    if (record.randomState !== undefined) model.random.state = record.randomState;
    return model;
  }

  /** A new model (compiled when the record has a loss and an optimizer) for a file's record. */
  private static build(label: string, record: ModelRecord, backend: 'native' | 'js'): Sequential {
    const { architecture: a } = record;
    try {
      const model = new Sequential({
        inputSize: a.inputSize, seed: a.seed, backend,
        layers: a.layers.map((l) => (l.type === 'dropout' ? new Dropout(l.rate) : new Dense(l.units, { activation: l.activation, leakyReluAlpha: l.leakyReluAlpha }))),
      });
      if (record.loss !== undefined && record.optimizer !== undefined) {
        const optimizer = createOptimizer(record.optimizer.type, record.optimizer.options);
        model.compile({ loss: record.loss, optimizer: optimizer!, metrics: record.metrics?.map(metricFromConfig) });
      }
      if (record.preprocessing !== undefined) model.setPreprocessing(Scaler.fromJSON(record.preprocessing));
      if (record.columns !== undefined) model.setColumns(record.columns);
      return model;
    } catch (error) {
      if (!(error instanceof BlastrainError) || error instanceof OutOfMemoryError) throw error;
      throw new ModelFormatError(`${label} describes a model blastrain cannot build: ${error.message}`);
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

  private requireCompiled(method: string): Compiled {
    if (this.compiled === undefined) {
      throw new NotCompiledError(`Cannot call ${method}() before compile({ loss, optimizer })`);
    }
    return this.compiled;
  }

  private inputs(x: unknown): Float32Array {
    const inputs = toInputs('x', x, this.inputSize);
    checkFinite('x', inputs, this.inputSize, this.ops);
    return this.scaled(inputs);
  }

  /** Raw rows through the model's preprocessing (a scaled copy), or as they are without one. */
  private scaled(inputs: Float32Array): Float32Array {
    return this.scaler === undefined ? inputs : this.scaler.transform(inputs);
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

  /** validationData given as an [x, y] pair of arrays, checked. */
  private validationArrays(data: unknown): { inputs: Float32Array; targets: TargetArray; samples: number } {
    const pair = readArray(data);
    if (pair === undefined || pair.length !== 2) throw invalid('validationData', '[x, y] pair', data);
    const validation = this.data(pair[0], pair[1]);
    requireFixedSize('validationData x', validation.inputs);
    requireFixedSize('validationData y', validation.targets);
    return validation;
  }

  /**
   * The training rows and the validation rows: validationData as given, or the last
   * validationSplit of the rows (views of the same memory, no copy).
   */
  private validationSet(
    all: { inputs: Float32Array; targets: TargetArray; samples: number }, data: unknown, split: unknown,
  ): { inputs: Float32Array; targets: TargetArray; samples: number; validation?: { inputs: Float32Array; targets: TargetArray; samples: number } } {
    if (data !== undefined && split !== undefined) throw new InvalidArgumentError('Expected validationData or validationSplit, not both');
    if (data !== undefined) return { ...all, validation: this.validationArrays(data) };
    if (split === undefined) return all;
    const fraction = finiteNumber('validationSplit', split, 0, 1);
    const held = Math.floor(all.samples * fraction);
    if (held < 1 || held >= all.samples) {
      throw new InvalidArgumentError(`Expected validationSplit to hold out between 1 and ${all.samples - 1} of the ${all.samples} rows but ${fraction} holds out ${held}`);
    }
    const train = all.samples - held;
    const rowsOf = (t: TargetArray, rows: number) => (t instanceof Float32Array ? (t.length / all.samples) * rows : rows);
    const cut = (t: TargetArray, from: number, to: number) => t.subarray(rowsOf(t, from), rowsOf(t, to)) as TargetArray;
    return {
      inputs: all.inputs.subarray(0, train * this.inputSize), targets: cut(all.targets, 0, train), samples: train,
      validation: { inputs: all.inputs.subarray(train * this.inputSize), targets: cut(all.targets, train, all.samples), samples: held },
    };
  }

  /** Each compiled metric's value from a batch's stats laid out at `at` in slots. */
  private metricValues(slots: Float64Array, at: number): Record<string, number> {
    return this.compiled!.metrics.values(slots, at, (i) => this.layout.counterOffset(i), this.outputSize);
  }

  /** evaluate()'s result from the totals a backend returns (laid out as one batch's stats). */
  private evaluation(totals: Float64Array): EvaluateResult {
    return { loss: totals[BATCH_LOSS] as number, ...this.metricValues(totals, 0) };
  }

  /** Grows the workspace to hold batches of `rows`; it never shrinks, so steady training allocates nothing. */
  private reserve(rows: number): void {
    this.lastForward = undefined; // whatever runs next overwrites the activations backward() needs
    // Stryker disable next-line EqualityOperator: reallocating a workspace of the same size changes no result
    if (rows <= this.capacity) return;
    const workspace = allocateFloats(`the workspace for batches of ${rows} rows`, this.layout.workspaceSize(rows));
    this.ops.setWorkspace(workspace);
    this.workspace = workspace;
    this.capacity = rows;
  }
}


/** The state buffer names of a record's optimizer (its options are checked when the model is built). */
function stateNamesOf(source: ByteSource, record: ModelRecord): readonly string[] {
  try {
    return createOptimizer(record.optimizer!.type, record.optimizer!.options)!.stateNames;
  } catch (error) {
    throw new ModelFormatError(`${source.label} describes an optimizer blastrain cannot build: ${(error as Error).message}`);
  }
}

function loadBackend(options: unknown): 'native' | 'js' {
  const o = readOptions('load options', options, ['backend']);
  return oneOf('backend', o.backend ?? 'native', ['native', 'js'] as const);
}

/** The bytes of a Buffer or Uint8Array, read through the engine. */
function bufferBytes(bytes: unknown): Uint8Array {
  if (kindIn(bytes, ['Uint8Array']) === undefined) throw invalid('bytes', 'Buffer or Uint8Array', bytes);
  return ownView('bytes', bytes as Uint8Array, 'Uint8Array');
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
