// Keras-style training callbacks. Epochs and batches are 0-based, as in Keras; a callback may
// return a Promise, which fit awaits before it goes on.
import { invalid, readArray, readOptions } from '../validate';

export interface BatchLogs {
  loss: number;
  /** For cross-entropy losses. */
  accuracy?: number;
  /** Rows in the batch (the last batch of an epoch may be shorter). */
  size: number;
  /** ‖∇‖₂ before clipping, when fit's `logGradNorm` is set. */
  gradNorm?: number;
}

export interface EpochLogs {
  /** Mean training loss of the epoch, each batch weighted by its rows. */
  loss: number;
  /** Training accuracy of the epoch, for cross-entropy losses. */
  accuracy?: number;
  /** The optimizer's learning rate at the end of the epoch. */
  lr?: number;
  /** Loss on the validation data after the epoch. */
  valLoss?: number;
  /** Accuracy on the validation data, for cross-entropy losses. */
  valAccuracy?: number;
}

export interface History {
  /** 0-based numbers of the epochs run. */
  epoch: number[];
  /** Mean training loss of each epoch (each batch weighted by its rows). */
  loss: number[];
  /** Training accuracy of each epoch, for cross-entropy losses. */
  accuracy?: number[];
  /** The learning rate at the end of each epoch. */
  lr: number[];
  valLoss?: number[];
  valAccuracy?: number[];
}

type Awaitable = void | Promise<void>;

export interface Callbacks {
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

const CALLBACK_NAMES = ['onTrainBegin', 'onEpochBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const;

/**
 * fit's `callbacks` option (one object or a list) as a list of plain callback objects. Each
 * method is read once, checked, and bound to its object here, so a getter cannot swap it for a
 * non-function halfway through training.
 */
export function toCallbackList(value: unknown): Callbacks[] {
  const list: unknown[] = value === undefined ? [] : (readArray(value) ?? [value]);
  return list.map((c, i) => {
    const name = Array.isArray(value) ? `callbacks[${i}]` : 'callbacks';
    const o = readOptions(name, c, CALLBACK_NAMES);
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
