// fit's verbose output: a progress bar redrawn in place on a terminal, one line per epoch
// otherwise (logs, CI).
import type { EpochLogs } from './callbacks';

const BAR_WIDTH = 24;

export class Progress {
  private readonly tty: boolean;
  private epochStarted = 0;

  constructor(
    private readonly epochs: number,
    /** Batches per epoch; undefined for a stream (then the count alone is shown). */
    private readonly batches: number | undefined,
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
  ) {
    this.tty = out.isTTY === true;
  }

  epochBegin(): void {
    this.epochStarted = performance.now();
  }

  /** After a chunk of batches: redraws the bar on a terminal. */
  batchesDone(epoch: number, done: number, logs: EpochLogs): void {
    if (!this.tty) return;
    if (this.batches === undefined) {
      this.out.write(`\r${this.prefix(epoch)} ${done} batches${this.metrics(logs)}`);
      return;
    }
    const filled = Math.round((BAR_WIDTH * done) / this.batches);
    const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (done === this.batches ? '=' : '>') : '') + ' '.repeat(BAR_WIDTH - filled);
    this.out.write(`\r${this.prefix(epoch)} [${bar}] ${done}/${this.batches}${this.metrics(logs)}`);
  }

  epochEnd(epoch: number, logs: EpochLogs): void {
    const seconds = ((performance.now() - this.epochStarted) / 1000).toFixed(2);
    this.out.write(`${this.tty ? '\r\x1b[K' : ''}${this.prefix(epoch)}${this.metrics(logs)} - ${seconds}s\n`);
  }

  private prefix(epoch: number): string {
    return `Epoch ${epoch + 1}/${this.epochs}`;
  }

  private metrics(logs: EpochLogs): string {
    // Losses and errors to 6 decimals, ratios (accuracy, precision, …) to 4; lr is not shown.
    const decimals = (key: string) => (/loss|^(val)?(mae|mse|rmse)$/i.test(key) ? 6 : 4);
    return Object.entries(logs)
      .filter(([key, value]) => key !== 'lr' && value !== undefined)
      .map(([key, value]) => ` - ${key} ${(value as number).toFixed(decimals(key))}`)
      .join('');
  }
}
