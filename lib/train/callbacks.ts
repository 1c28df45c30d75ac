// Keras-style training callbacks. Epochs and batches are 0-based, as in Keras; a callback may
// return a Promise, which fit awaits before it goes on.
import { invalid, plainObject, readArray, readOptions } from '../validate';

export interface BatchLogs {
  loss: number;
  /** Each compiled metric by name (accuracy, top5Accuracy, mae, macroF1, …), over the batch. */
  [metric: string]: number | undefined;
  /** With the default metrics of the cross-entropy losses. */
  accuracy?: number;
  /** Rows in the batch (the last batch of an epoch may be shorter). */
  size: number;
  /** ‖∇‖₂ before clipping, when fit's `logGradNorm` is set. */
  gradNorm?: number;
}

export interface EpochLogs {
  /** Mean training loss of the epoch, each batch weighted by its rows. */
  loss: number;
  /**
   * Each compiled metric over the epoch's training batches (its counts summed over the epoch,
   * so precision is the epoch's precision, not a mean of batch values), and on the validation
   * data as val<Metric> (valAccuracy, valMacroF1, …).
   */
  [metric: string]: number | undefined;
  /** With the default metrics of the cross-entropy losses. */
  accuracy?: number;
  /** The optimizer's learning rate at the end of the epoch. */
  lr?: number;
  /** Loss on the validation data after the epoch. */
  valLoss?: number;
  valAccuracy?: number;
}

export interface History {
  /** 0-based numbers of the epochs run. */
  epoch: number[];
  /** Mean training loss of each epoch (each batch weighted by its rows). */
  loss: number[];
  /** Every other key of the epoch logs, one value per epoch: each metric, lr, valLoss, val<Metric>. */
  [key: string]: number[] | undefined;
  accuracy?: number[];
  /** The learning rate at the end of each epoch. */
  lr: number[];
  valLoss?: number[];
  valAccuracy?: number[];
}

/** Appends an epoch's logs to the history, one array per logged quantity. */
export function recordEpoch(history: History, epoch: number, logs: EpochLogs): void {
  history.epoch.push(epoch);
  for (const [key, value] of Object.entries(logs)) {
    const series = (history as unknown as Record<string, number[] | undefined>)[key];
    if (series === undefined) (history as unknown as Record<string, number[]>)[key] = [value as number];
    else series.push(value as number);
  }
}

type Awaitable = void | Promise<void>;

/** What a callback can reach of the model that fit trains (Keras's callback.model). */
export interface CallbackModel {
  readonly params: Float32Array;
  stopTraining: boolean;
  readonly optimizer: { lr: number } | undefined;
  save(path: string, options?: { optimizer?: boolean }): Promise<void>;
}

export interface Callbacks {
  /** Called by fit before onTrainBegin with the model being trained (Keras's set_model). */
  setModel?(model: CallbackModel): void;
  onTrainBegin?(): Awaitable;
  onEpochBegin?(epoch: number): Awaitable;
  /**
   * After each batch. Batches run in chunks off the main thread, so the calls for one chunk's
   * batches arrive together when the chunk ends (about every 50 ms).
   */
  onBatchEnd?(batch: number, logs: BatchLogs): Awaitable;
  onEpochEnd?(epoch: number, logs: EpochLogs): Awaitable;
  onTrainEnd?(history: History): Awaitable;
}

const CALLBACK_NAMES = ['setModel', 'onTrainBegin', 'onEpochBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const;

/**
 * fit's `callbacks` option (one object or a list) as a list of plain callback objects. Each
 * method is read once, checked, and bound to its object here, so a getter cannot swap it for a
 * non-function halfway through training.
 */
export function toCallbackList(value: unknown): Callbacks[] {
  const list: unknown[] = value === undefined ? [] : (readArray(value) ?? [value]);
  return list.map((c, i) => {
    const name = Array.isArray(value) ? `callbacks[${i}]` : 'callbacks';
    // A class instance (EarlyStopping, …) has fields of its own; an object literal may only
    // hold the callback methods, so a misspelt one is reported.
    const prototype: unknown = c === null || c === undefined ? undefined : Object.getPrototypeOf(c);
    const literal = prototype === Object.prototype || prototype === null;
    const o = literal ? readOptions(name, c, CALLBACK_NAMES) : Object.fromEntries(CALLBACK_NAMES.map((k) => [k, (plainObject(name, c) as Record<string, unknown>)[k]]));
    const bound: Record<string, (...args: never[]) => unknown> = {};
    for (const key of CALLBACK_NAMES) {
      const method = o[key];
      if (method === undefined) continue;
      if (typeof method !== 'function') throw invalid(`${name}.${key}`, 'function', method);
      bound[key] = (...args: never[]) => Reflect.apply(method, c, args) as unknown;
    }
    return bound as Callbacks;
  });
}
