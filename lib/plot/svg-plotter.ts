// A fit callback that keeps the training curves on disk as an SVG, rewritten (atomically: a
// reader never sees half a file) at the end of every epoch. While training runs the file asks
// the browser showing it to reload every few seconds, so it can be left open as a live view;
// the last write, when training ends, drops that and leaves a plain picture.
import { FileError } from '../errors';
import { writeFileAtomic } from '../io/atomic-write';
import { recordEpoch, type Callbacks, type EpochLogs, type History } from '../train/callbacks';
import { finiteNumber, invalid, readOptions } from '../validate';
import { checkPlotOptions, renderHistory, type CheckedPlotOptions, type PlotOptions } from './history';

export interface SvgPlotterOptions extends PlotOptions {
  /** While training, a browser showing the file reloads it this often (seconds); 0 never. Default 5. */
  refreshSeconds?: number;
}

export class SvgPlotter implements Callbacks {
  readonly path: string;
  readonly refreshSeconds: number;
  private readonly plot: CheckedPlotOptions;
  private history: History = { epoch: [], loss: [], lr: [] };

  constructor(path: string, options: SvgPlotterOptions = {}) {
    if (typeof path !== 'string' || path.length === 0) throw invalid('SvgPlotter path', 'non-empty string', path);
    this.path = path;
    const { refreshSeconds, ...plot } = readOptions('SvgPlotter options', options, ['metrics', 'logScale', 'width', 'panelHeight', 'title', 'refreshSeconds']);
    this.refreshSeconds = finiteNumber('refreshSeconds', refreshSeconds ?? 5, 0, 86400);
    this.plot = checkPlotOptions(plot as PlotOptions, 'SvgPlotter');
  }

  onTrainBegin(): void {
    this.history = { epoch: [], loss: [], lr: [] };
  }

  async onEpochEnd(epoch: number, logs: EpochLogs): Promise<void> {
    recordEpoch(this.history, epoch, logs);
    await this.write(true);
  }

  async onTrainEnd(): Promise<void> {
    if (this.history.epoch.length > 0) await this.write(false);
  }

  private async write(live: boolean): Promise<void> {
    let svg = renderHistory(this.history, this.plot);
    if (live && this.refreshSeconds > 0) {
      svg = svg.replace(/<\/svg>\n$/, `<script>setTimeout(function () { location.reload(); }, ${this.refreshSeconds * 1000});</script>\n</svg>\n`);
    }
    try {
      await writeFileAtomic(this.path, [Buffer.from(svg)]);
    } catch (error) {
      throw new FileError(`Cannot write the training curves ${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }
}
