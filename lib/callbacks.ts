// Keras-style training callbacks. Epochs and batches are 0-based, as in Keras; a callback may
// return a Promise, which fit awaits before it goes on.
import { invalid, knownKeys, plainObject } from './validate';

export interface BatchLogs {
  loss: number;
  /** For cross-entropy losses. */
  accuracy?: number;
  /** Rows in the batch (the last batch of an epoch may be shorter). */
  size: number;
}

export interface EpochLogs {
  /** Mean training loss of the epoch, each batch weighted by its rows. */
  loss: number;
  /** Training accuracy of the epoch, for cross-entropy losses. */
  accuracy?: number;
}

export interface History {
  /** 0-based numbers of the epochs run. */
  epoch: number[];
  /** Mean training loss of each epoch (each batch weighted by its rows). */
  loss: number[];
  /** Training accuracy of each epoch, for cross-entropy losses. */
  accuracy?: number[];
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

/** fit's `callbacks` option (one object or a list) as a list, with every entry checked. */
export function toCallbackList(value: unknown): Callbacks[] {
  const list: unknown[] = value === undefined ? [] : Array.isArray(value) ? value : [value];
  list.forEach((c, i) => {
    const name = Array.isArray(value) ? `callbacks[${i}]` : 'callbacks';
    const o = plainObject(name, c);
    knownKeys(name, o, CALLBACK_NAMES);
    for (const key of Object.keys(o)) if (typeof o[key] !== 'function') throw invalid(`${name}.${key}`, 'function', o[key]);
  });
  return list as Callbacks[];
}
