// Epoch logs to a file as training runs: CSVLogger (Keras's: a header row of the log names,
// then one row per epoch) and JsonLinesLogger (one JSON object per epoch, for tools that tail
// it). Each epoch's line is appended as it ends, so a crash keeps every finished epoch.
import { appendFile, writeFile } from 'node:fs/promises';
import { FileError } from '../errors';
import { boolean, invalid, nonEmptyString, readOptions } from '../validate';
import type { Callbacks, EpochLogs } from './callbacks';

async function append(path: string, text: string, create: boolean): Promise<void> {
  try {
    await (create ? writeFile(path, text) : appendFile(path, text));
  } catch (error) {
    throw new FileError(`Cannot write the training log ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export class CSVLogger implements Callbacks {
  readonly path: string;
  readonly separator: string;
  readonly append: boolean;
  private columns: string[] | undefined;

  constructor(path: string, options: { separator?: string; append?: boolean } = {}) {
    this.path = nonEmptyString('CSVLogger path', path);
    const o = readOptions('CSVLogger options', options, ['separator', 'append']);
    if (o.separator !== undefined && (typeof o.separator !== 'string' || o.separator.length !== 1)) throw invalid('separator', 'one character', o.separator);
    this.separator = (o.separator as string | undefined) ?? ',';
    this.append = boolean('append', o.append ?? false);
  }

  onTrainBegin(): void {
    this.columns = undefined;
  }

  async onEpochEnd(epoch: number, logs: EpochLogs): Promise<void> {
    const values = logs as unknown as Record<string, number>;
    let header = '';
    if (this.columns === undefined) {
      this.columns = Object.keys(values).sort();
      header = ['epoch', ...this.columns].join(this.separator) + '\n';
    }
    const row = [epoch, ...this.columns.map((c) => values[c] ?? '')].join(this.separator) + '\n';
    await append(this.path, header + row, header !== '' && !this.append);
  }
}

export class JsonLinesLogger implements Callbacks {
  readonly path: string;
  readonly append: boolean;
  private started = false;

  constructor(path: string, options: { append?: boolean } = {}) {
    this.path = nonEmptyString('JsonLinesLogger path', path);
    this.append = boolean('append', readOptions('JsonLinesLogger options', options, ['append']).append ?? false);
  }

  onTrainBegin(): void {
    this.started = false;
  }

  async onEpochEnd(epoch: number, logs: EpochLogs): Promise<void> {
    await append(this.path, JSON.stringify({ epoch, ...logs }) + '\n', !this.started && !this.append);
    this.started = true;
  }
}
