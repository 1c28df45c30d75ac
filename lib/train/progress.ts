// fit's verbose output (and the CLI's): on a terminal, a bar redrawn in place with the batches
// done, the epoch's ETA, samples/s and the running metrics, cut to the terminal's width as it
// is at each redraw; otherwise (a pipe, a log file, CI) one plain line per epoch. When the
// window narrows under a drawn bar, terminals that reflow (tmux, VTE, iTerm2, Windows Terminal,
// kitty) wrap it onto several rows: the redraw first goes up over those rows and clears them,
// so no stale copy of the bar stays behind. That needs the width the terminal has now, asked of
// the kernel at each redraw (see `width`).
import type { EpochLogs } from './callbacks';

const BAR_WIDTH = 24;

export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; _refreshSize?: () => void };

export class Progress {
  private readonly tty: boolean;
  private epochStarted = 0;
  /** Characters of the bar now on screen (0: none). */
  private drawn = 0;

  constructor(
    private readonly epochs: number,
    /** Batches per epoch; undefined for a stream (then the count alone is shown). */
    private readonly batches: number | undefined,
    private readonly out: ProgressStream = process.stdout,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tty = out.isTTY === true;
  }

  epochBegin(): void {
    this.epochStarted = this.now();
  }

  /** After a chunk of batches (`rows` samples so far this epoch): redraws the bar on a terminal. */
  batchesDone(epoch: number, done: number, rows: number, logs: EpochLogs): void {
    if (!this.tty) return;
    const columns = this.width();
    const seconds = (this.now() - this.epochStarted) / 1000;
    const parts = [this.prefix(epoch)];
    if (this.batches === undefined) parts.push(`${done} batches`);
    else {
      const filled = Math.min(BAR_WIDTH, Math.round((BAR_WIDTH * done) / this.batches));
      const head = filled === 0 ? '' : done >= this.batches ? '=' : '>';
      parts.push(`[${'='.repeat(Math.max(0, filled - 1))}${head}${' '.repeat(BAR_WIDTH - filled)}] ${done}/${this.batches}`);
      if (done > 0 && done < this.batches) parts.push(`ETA ${duration((seconds * (this.batches - done)) / done)}`);
    }
    const line = fit([parts.join(' '), rate(rows, seconds), ...metrics(logs)].filter(Boolean).join(' - '), columns);
    // Back over the old bar, the line, then erase what a longer old bar left to its right.
    this.out.write(`${this.rewind(columns)}${line}\x1b[K`);
    this.drawn = line.length;
  }

  /** The epoch's line, `rows` samples in all. */
  epochEnd(epoch: number, rows: number, logs: EpochLogs): void {
    const seconds = (this.now() - this.epochStarted) / 1000;
    const line = [this.prefix(epoch), `${seconds.toFixed(2)}s`, rate(rows, seconds), ...metrics(logs)].filter(Boolean).join(' - ');
    // The epoch's line stays: whole, wrapped by the terminal if it must be.
    this.out.write(this.tty ? `${this.rewind(this.width())}${line}\x1b[K\n` : `${line}\n`);
    this.drawn = 0;
  }

  private prefix(epoch: number): string {
    return `Epoch ${epoch + 1}/${this.epochs}`;
  }

  /**
   * The terminal's width now, if known. Node updates `columns` in its SIGWINCH handler, a loop
   * turn or more after the window changed, and the terminal has reflowed the bar by then: a
   * redraw in between would go up too few rows and leave a stale copy. `_refreshSize` (what
   * that handler runs on a tty.WriteStream) reads the size from the kernel (TIOCGWINSZ) at once;
   * if it fails (stdout closed), the width Node last saw is used.
   */
  private width(): number | undefined {
    try {
      // Stryker disable next-line OptionalChaining: without the method the call throws, caught here alike
      this.out._refreshSize?.();
    } catch {
      // the width Node last saw
    }
    return this.out.columns;
  }

  /** To the start of the bar on screen: \r, and up over the rows a narrowed window wrapped it onto, cleared. */
  private rewind(columns: number | undefined): string {
    const rows = (columns ?? 0) > 0 ? Math.ceil(this.drawn / columns!) : 1;
    return rows > 1 ? `\r\x1b[${rows - 1}A\x1b[J` : '\r';
  }
}

/** The line cut to one character less than the terminal's width (the last column would wrap on some terminals). */
function fit(line: string, columns: number | undefined): string {
  return (columns ?? 0) > 1 && line.length >= columns! ? `${line.slice(0, columns! - 2)}…` : line;
}

function rate(rows: number, seconds: number): string {
  return rows > 0 && seconds > 0 ? `${Math.round(rows / seconds).toLocaleString('en-US')} samples/s` : '';
}

/** `12s`, `3m05s`, `1h02m`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const SIX_DECIMALS = new Set(['loss', 'mae', 'mse', 'rmse']);

function metrics(logs: EpochLogs): string[] {
  // Losses and errors to 6 decimals, ratios (accuracy, precision, …) to 4; lr is not shown.
  const decimals = (key: string) => (SIX_DECIMALS.has(key.startsWith('val') ? key.slice(3).toLowerCase() : key) ? 6 : 4);
  return Object.entries(logs)
    .filter(([key]) => key !== 'lr')
    .map(([key, value]) => `${key} ${(value as number).toFixed(decimals(key))}`);
}
