// Where fit's batches come from, epoch after epoch: the in-memory arrays in runs of several
// batches over a seeded permutation (ArrayFeed), or a stream, one batch per run, the next one
// produced by JavaScript while native code trains the current one (StreamFeed).
import type { BatchRun } from '../job';
import type { TargetArray } from '../native';
import type { Random } from '../random';

/** A run of batches as one trainAsync call takes it, and the rows of each. */
export interface FeedRun extends BatchRun {
  /** Rows in batch i of the run (the last batch of an epoch may be shorter). */
  rowsIn(i: number): number;
}

export interface BatchFeed {
  /** Batches per epoch when known ahead (the progress bar's total); undefined for a stream. */
  readonly batches: number | undefined;
  startEpoch(): Promise<void>;
  /** The next run of at most `max` batches, or undefined once the epoch is over. */
  next(max: number): Promise<FeedRun | undefined>;
  /** Called once the run next() gave is queued: a stream starts producing its next batch. */
  prefetch(): void;
  /** Ends the epoch, early or not: a stream closes its iterator. */
  close(): Promise<void>;
}

export class ArrayFeed implements BatchFeed {
  readonly batches: number;
  private readonly order: Int32Array | null;
  private done = 0;

  constructor(
    private readonly x: Float32Array,
    private readonly y: TargetArray,
    private readonly samples: number,
    private readonly batchSize: number,
    shuffle: boolean,
    private readonly random: Random,
  ) {
    this.batches = Math.ceil(samples / batchSize);
    this.order = shuffle ? new Int32Array(samples) : null;
  }

  async startEpoch(): Promise<void> {
    this.done = 0;
    if (this.order === null) return;
    // A fresh permutation of 0..n-1 every epoch: the order depends only on the generator's
    // state, so training split over several fit calls (or resumed from a file) shuffles
    // exactly as one long fit does.
    // Stryker disable next-line EqualityOperator: equivalent, one more pass writes past the end of an Int32Array, which ignores it
    for (let i = 0; i < this.samples; i++) this.order[i] = i;
    this.random.shuffle(this.order);
  }

  async next(max: number): Promise<FeedRun | undefined> {
    if (this.done >= this.batches) return undefined;
    const first = this.done;
    const count = Math.min(max, this.batches - first);
    this.done += count;
    const { samples, batchSize } = this;
    return {
      x: this.x, y: this.y, rows: this.order, batchSize, firstBatch: first, batchCount: count,
      rowsIn: (i) => Math.min(batchSize, samples - (first + i) * batchSize),
    };
  }

  prefetch(): void {}

  async close(): Promise<void> {}
}

/** One batch of a stream, checked and converted by the model (shapes, labels, finiteness). */
export interface StreamBatch {
  readonly x: Float32Array;
  readonly y: TargetArray;
  readonly samples: number;
}

export class StreamFeed implements BatchFeed {
  readonly batches = undefined;
  private iterator: AsyncIterator<unknown> | undefined;
  private pending: Promise<IteratorResult<unknown>> | undefined;
  private index = 0;

  /**
   * `open` starts a pass over the data (called once per epoch); `prepare` turns the i-th
   * element into a batch the backends read, or throws a typed error naming it.
   */
  constructor(
    private readonly open: () => AsyncIterator<unknown>,
    private readonly prepare: (element: unknown, index: number) => StreamBatch,
  ) {}

  async startEpoch(): Promise<void> {
    this.iterator = this.open();
    this.index = 0;
    this.prefetch();
  }

  async next(): Promise<FeedRun | undefined> {
    const result = await this.pending!;
    this.pending = undefined;
    if (result.done) return undefined;
    const batch = this.prepare(result.value, this.index++);
    return { x: batch.x, y: batch.y, rows: null, batchSize: batch.samples, firstBatch: 0, batchCount: 1, rowsIn: () => batch.samples };
  }

  prefetch(): void {
    const pending = this.iterator!.next();
    pending.catch(() => undefined); // awaited (and thrown) by next(); not an unhandled rejection meanwhile
    this.pending = pending;
  }

  /** Runs once per started epoch (startEpoch set the iterator). */
  async close(): Promise<void> {
    const iterator = this.iterator!;
    this.iterator = undefined;
    this.pending = undefined;
    // Stryker disable next-line OptionalChaining: fit's batches come from an async generator (streamBatches), whose iterators all have return()
    await iterator.return?.();
  }
}
