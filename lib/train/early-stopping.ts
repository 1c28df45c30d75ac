// EarlyStopping with Keras's semantics: stop when the monitored quantity has not improved by
// more than minDelta for `patience` epochs (and, with a baseline, until it beats the baseline);
// restoreBestWeights puts back the weights of the best epoch when training ends (one copy of
// model.params per improvement). TensorFlow.js still lacks the restoring part (tfjs #8488).
import { readOptions, boolean, positiveInteger } from '../validate';
import type { CallbackModel, Callbacks, EpochLogs } from './callbacks';
import { Monitor, type MonitorMode } from './monitor';

export interface EarlyStoppingOptions {
  /** Default 'valLoss'. */
  monitor?: string;
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  mode?: MonitorMode;
  /** Training stops unless the monitored quantity beats this within `patience` epochs. */
  baseline?: number;
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching at all (warm-up). Default 0. */
  startFromEpoch?: number;
}

export class EarlyStopping implements Callbacks {
  readonly monitor: Monitor;
  readonly patience: number;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** The best value seen and its epoch; the epoch training stopped at (0: it did not). */
  best = Infinity;
  bestEpoch = 0;
  stoppedEpoch = 0;
  private wait = 0;
  private bestWeights: Float32Array | undefined;
  private model: CallbackModel | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    const o = readOptions('EarlyStopping options', options, ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights', 'startFromEpoch']);
    this.monitor = new Monitor('EarlyStopping', o.monitor ?? 'valLoss', o.mode, o.minDelta);
    this.patience = o.patience === undefined || o.patience === 0 ? 0 : positiveInteger('patience', o.patience);
    this.baseline = o.baseline === undefined ? undefined : Number(o.baseline);
    this.restoreBestWeights = boolean('restoreBestWeights', o.restoreBestWeights ?? false);
    this.startFromEpoch = o.startFromEpoch === undefined || o.startFromEpoch === 0 ? 0 : positiveInteger('startFromEpoch', o.startFromEpoch);
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.monitor.worst;
    this.bestWeights = undefined;
  }

  onEpochEnd(epoch: number, logs: EpochLogs): void {
    const current = this.monitor.value(logs);
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === undefined) this.bestWeights = this.model!.params.slice();
    this.wait++;
    if (this.monitor.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights!.set(this.model!.params);
      if (this.baseline === undefined || this.monitor.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights !== undefined) this.model!.params.set(this.bestWeights);
  }
}
