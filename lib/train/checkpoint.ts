// Keras's ModelCheckpoint: saves the model (model.save, atomic) after every epoch, or only when
// the monitored quantity improved. `{epoch}` in the path becomes the 1-based epoch number, as
// Keras's `{epoch:02d}` does.
import { boolean, nonEmptyString, readOptions } from '../validate';
import type { CallbackModel, Callbacks, EpochLogs } from './callbacks';
import { Monitor, type MonitorMode } from './monitor';

export interface ModelCheckpointOptions {
  /** Where to save; `{epoch}` is replaced by the epoch number (1-based). */
  path: string;
  /** Default 'valLoss'. */
  monitor?: string;
  /** Save only when the monitored quantity improved. Default false. */
  saveBestOnly?: boolean;
  mode?: MonitorMode;
  /** Save the optimizer state too, to resume exactly. Default false. */
  optimizer?: boolean;
}

export class ModelCheckpoint implements Callbacks {
  readonly path: string;
  readonly monitor: Monitor;
  readonly saveBestOnly: boolean;
  readonly optimizer: boolean;
  /** The best monitored value so far, and the files written. */
  best = Infinity;
  readonly saved: string[] = [];
  private model: CallbackModel | undefined;

  constructor(options: ModelCheckpointOptions) {
    const o = readOptions('ModelCheckpoint options', options, ['path', 'monitor', 'saveBestOnly', 'mode', 'optimizer']);
    this.path = nonEmptyString('path', o.path);
    this.monitor = new Monitor('ModelCheckpoint', o.monitor ?? 'valLoss', o.mode, 0);
    this.saveBestOnly = boolean('saveBestOnly', o.saveBestOnly ?? false);
    this.optimizer = boolean('optimizer', o.optimizer ?? false);
    this.best = this.monitor.worst;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  async onEpochEnd(epoch: number, logs: EpochLogs): Promise<void> {
    if (this.saveBestOnly) {
      const current = this.monitor.value(logs);
      if (!this.monitor.improves(current, this.best)) return;
      this.best = current;
    }
    const file = this.path.replaceAll('{epoch}', String(epoch + 1));
    await this.model!.save(file, { optimizer: this.optimizer });
    this.saved.push(file);
  }
}
