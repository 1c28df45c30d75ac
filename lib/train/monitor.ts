// The quantity a callback watches (Keras's `monitor`): which epoch log, and which direction is
// better. 'auto' means 'max' for accuracies and 'min' for everything else, as in Keras.
import { InvalidArgumentError } from '../errors';
import { finiteNumber, oneOf } from '../validate';
import type { EpochLogs } from './callbacks';

export type MonitorMode = 'auto' | 'min' | 'max';

export class Monitor {
  readonly key: string;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;

  constructor(owner: string, key: unknown, mode: unknown, minDelta: unknown, defaultDelta = 0) {
    if (typeof key !== 'string' || key.length === 0) throw new InvalidArgumentError(`Expected the name of an epoch log (e.g. 'valLoss') for ${owner} monitor but received ${String(key)}`);
    this.key = key;
    const m = oneOf('mode', mode ?? 'auto', ['auto', 'min', 'max'] as const);
    this.mode = m === 'auto' ? (/accuracy/i.test(key) ? 'max' : 'min') : m;
    this.minDelta = Math.abs(finiteNumber('minDelta', minDelta ?? defaultDelta));
  }

  /** The monitored value of an epoch's logs; a typed error naming the logs there are when it is missing. */
  value(logs: EpochLogs): number {
    const value = (logs as unknown as Record<string, unknown>)[this.key];
    if (typeof value !== 'number') {
      throw new InvalidArgumentError(
        `The monitored quantity '${this.key}' is not in the epoch logs (they hold ${Object.keys(logs).join(', ')})` +
          (this.key.startsWith('val') ? '; pass validationData or validationSplit to fit' : ''),
      );
    }
    return value;
  }

  /** Whether `current` beats `best` by more than minDelta. */
  improves(current: number, best: number): boolean {
    return this.mode === 'min' ? current < best - this.minDelta : current > best + this.minDelta;
  }

  /** The starting value nothing is worse than. */
  get worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }
}
