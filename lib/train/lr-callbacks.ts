// Keras's learning-rate callbacks. Both set optimizer.lr between epochs; an lrSchedule with
// interval 'epoch' would overwrite their rate at the next epoch's start, so use one or the other.
import { InvalidArgumentError } from '../errors';
import { finiteNumber, positiveInteger, readOptions } from '../validate';
import type { CallbackModel, Callbacks, EpochLogs } from './callbacks';
import { Monitor, type MonitorMode } from './monitor';

function optimizerOf(model: CallbackModel | undefined, owner: string): { lr: number } {
  if (model?.optimizer === undefined) throw new InvalidArgumentError(`${owner} needs a compiled model`);
  return model.optimizer;
}

/** Sets the rate at every epoch's start to schedule(epoch, currentRate) (0-based epochs). */
export class LearningRateScheduler implements Callbacks {
  private model: CallbackModel | undefined;
  constructor(private readonly schedule: (epoch: number, lr: number) => number) {
    if (typeof schedule !== 'function') throw new InvalidArgumentError('Expected a function (epoch, lr) => lr for LearningRateScheduler');
  }
  setModel(model: CallbackModel): void {
    this.model = model;
  }
  onEpochBegin(epoch: number): void {
    const optimizer = optimizerOf(this.model, 'LearningRateScheduler');
    optimizer.lr = finiteNumber('the learning rate the schedule function returned', this.schedule(epoch, optimizer.lr), 0);
  }
}

export interface ReduceLROnPlateauOptions {
  /** Default 'valLoss'. */
  monitor?: string;
  /** New rate = rate · factor, in (0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  patience?: number;
  mode?: MonitorMode;
  /** Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** The rate never goes below this. Default 0. */
  minLr?: number;
}

/** Keras's ReduceLROnPlateau: multiply the rate by `factor` when the monitored quantity stalls. */
export class ReduceLROnPlateau implements Callbacks {
  readonly monitor: Monitor;
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minLr: number;
  private best = Infinity;
  private wait = 0;
  private cooldownCounter = 0;
  private model: CallbackModel | undefined;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    const o = readOptions('ReduceLROnPlateau options', options, ['monitor', 'factor', 'patience', 'mode', 'minDelta', 'cooldown', 'minLr']);
    this.monitor = new Monitor('ReduceLROnPlateau', o.monitor ?? 'valLoss', o.mode, o.minDelta, 1e-4);
    this.factor = finiteNumber('factor', o.factor ?? 0.1, 0, 1);
    if (this.factor === 0 || this.factor === 1) throw new InvalidArgumentError(`Expected factor strictly between 0 and 1 but received ${this.factor}`);
    this.patience = positiveInteger('patience', o.patience ?? 10);
    this.cooldown = o.cooldown === undefined || o.cooldown === 0 ? 0 : positiveInteger('cooldown', o.cooldown);
    this.minLr = finiteNumber('minLr', o.minLr ?? 0, 0);
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = this.monitor.worst;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  onEpochEnd(_epoch: number, logs: EpochLogs): void {
    const current = this.monitor.value(logs);
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.monitor.improves(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0 && ++this.wait >= this.patience) {
      const optimizer = optimizerOf(this.model, 'ReduceLROnPlateau');
      // Down by factor, not below minLr; a rate already under minLr stays as it is (Keras's rule).
      optimizer.lr = Math.min(optimizer.lr, Math.max(optimizer.lr * this.factor, this.minLr));
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
    }
  }
}
