// Datasets: data read in one pass per epoch, in rows (from arrays, CSV or JSON-lines files) or
// in batches, through lazy pipelines (map, take, skip, shuffle, batch, split). Nothing is read
// until fit (or a for await loop) iterates; each iteration is a fresh pass over the source, so a
// file is streamed again every epoch with constant memory.
import { InvalidArgumentError, ShapeError } from '../errors';
import { Random } from '../random';
import { typedArrayKind } from '../typed-arrays';
import { describe, invalid, positiveInteger, readOptions } from '../validate';
import { fromCsv, type CsvOptions } from './csv';
import { fromJsonLines } from './json-lines';
import type { TableInfo, TableOptions } from './table';
import type { LabelArray } from './arrays';

/** One sample: its features, and its target (a class label, or float target values). */
export interface Example {
  readonly x: Float32Array;
  /** A class label (an integer ≥ 0), or the target values. */
  readonly y: number | Float32Array;
}

/** Rows of samples: x is (rows × features), y float rows (rows × outputs) or class labels (rows,). */
export interface Batch {
  readonly x: Float32Array;
  readonly y: Float32Array | Int32Array;
}

type Source<T> = Iterable<T> | AsyncIterable<T>;

async function* fromSource<T>(source: Source<T>): AsyncGenerator<T> {
  yield* source as AsyncIterable<T>;
}

export class Dataset<T = Example | Batch> implements AsyncIterable<T> {
  private passes = 0;

  /**
   * `open` starts a pass; `batched` tells fit whether elements are batches (used as they come)
   * or examples (which fit groups into batches of its batchSize).
   */
  private constructor(
    private readonly open: (pass: number) => Source<T>,
    readonly batched: boolean,
    /** For a file loader's dataset: its columns, the target's classes, the rows skipped. */
    readonly table?: TableInfo,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return fromSource(this.open(this.passes++))[Symbol.asyncIterator]();
  }

  /**
   * Any (async) iterable of `{ x, y }` batches, or a function returning a fresh one per epoch
   * (an iterable that can be iterated only once, such as a generator, must be given as a
   * function to train more than one epoch).
   */
  static from<B extends Batch>(source: Source<B> | (() => Source<B>)): Dataset<B> {
    if (typeof source === 'function') return new Dataset<B>(() => source(), true);
    if (source === null || typeof source !== 'object' || !(Symbol.iterator in source || Symbol.asyncIterator in source)) {
      throw invalid('source', 'iterable or async iterable of { x, y } batches, or a function returning one', source);
    }
    return new Dataset<B>(() => source, true);
  }

  /**
   * Examples from in-memory arrays: x (samples × features) and y float rows (samples × outputs)
   * or integer class labels (samples,). The rows are views of x and y, not copies.
   */
  static fromArrays(x: Float32Array, y: Float32Array | LabelArray, options: { features: number }): Dataset<Example> {
    const o = readOptions('fromArrays options', options, ['features']);
    const features = positiveInteger('features', o.features);
    if (typedArrayKind(x) !== 'Float32Array') throw invalid('x', 'Float32Array (samples × features)', x);
    if (x.length === 0 || x.length % features !== 0) throw new ShapeError(`Expected x length to be a positive multiple of features ${features} but received ${describe(x)}`);
    const samples = x.length / features;
    const kind = typedArrayKind(y);
    if (kind === undefined || !['Float32Array', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array'].includes(kind)) {
      throw invalid('y', 'Float32Array of targets or an integer typed array of class labels', y);
    }
    const labels = kind !== 'Float32Array';
    if (labels ? y.length !== samples : y.length % samples !== 0) {
      throw new ShapeError(`Expected y to hold ${labels ? `${samples} class labels` : `a multiple of ${samples} values`} but received ${describe(y)}`);
    }
    const width = y.length / samples;
    return new Dataset<Example>(function* rows() {
      for (let i = 0; i < samples; i++) {
        const target = labels ? (y[i] as number) : (y as Float32Array).subarray(i * width, (i + 1) * width);
        yield { x: x.subarray(i * features, (i + 1) * features), y: target };
      }
    }, false);
  }

  /**
   * Examples streamed from a CSV file (csv-parse): `target` and `features` name columns (or
   * index them without a header), `labels` makes the target categorical, `categories` one-hot
   * encodes feature columns; a malformed row throws a DataFormatError naming file, line and
   * column, or with `onError: 'skip'` is skipped and counted (`dataset.table.skipped`).
   */
  static fromCsv(path: string, options: CsvOptions): Dataset<Example> {
    return fromCsv(path, options);
  }

  /** Examples streamed from a JSON-lines file (one object per line; keys are the columns), as fromCsv reads them. */
  static fromJsonLines(path: string, options: TableOptions): Dataset<Example> {
    return fromJsonLines(path, options);
  }

  /** @internal A dataset of examples from a pass function (the file loaders). */
  static ofExamples(open: () => Source<Example>, table: TableInfo): Dataset<Example> {
    return new Dataset<Example>(open, false, table);
  }

  /** Each element through fn (awaited when it returns a Promise). */
  map<U>(fn: (element: T) => U | Promise<U>): Dataset<U> {
    if (typeof fn !== 'function') throw invalid('fn', 'function', fn);
    const open = this.open;
    return new Dataset<U>(async function* mapped(pass) {
      for await (const element of open(pass)) yield await fn(element);
    }, this.batched);
  }

  /** The first n elements of each pass. */
  take(n: number): Dataset<T> {
    const count = nonNegativeInteger('n', n);
    const open = this.open;
    return new Dataset<T>(async function* taken(pass) {
      if (count === 0) return;
      let i = 0;
      for await (const element of open(pass)) {
        yield element;
        if (++i >= count) return;
      }
    }, this.batched);
  }

  /** Each pass without its first n elements. */
  skip(n: number): Dataset<T> {
    const count = nonNegativeInteger('n', n);
    const open = this.open;
    return new Dataset<T>(async function* skipped(pass) {
      let i = 0;
      for await (const element of open(pass)) if (i++ >= count) yield element;
    }, this.batched);
  }

  /**
   * A shuffle buffer, for data that cannot be shuffled whole: the first `bufferSize` elements
   * fill it, then each incoming element takes the place of one drawn at random, which is
   * emitted. Seeded; every pass draws a different order (seed + pass number).
   */
  shuffle(options: { bufferSize: number; seed?: number }): Dataset<T> {
    const o = readOptions('shuffle options', options, ['bufferSize', 'seed']);
    const size = positiveInteger('bufferSize', o.bufferSize);
    const seed = o.seed === undefined ? 42 : nonNegativeInteger('seed', o.seed);
    const open = this.open;
    return new Dataset<T>(async function* shuffled(pass) {
      const random = new Random(seed + pass);
      const buffer: T[] = [];
      for await (const element of open(pass)) {
        if (buffer.length < size) {
          buffer.push(element);
          continue;
        }
        const i = Math.floor(random.next() * size);
        yield buffer[i]!;
        buffer[i] = element;
      }
      // Drain in random order (Fisher–Yates over what is left).
      for (let i = buffer.length - 1; i >= 0; i--) {
        const j = Math.floor(random.next() * (i + 1));
        yield buffer[j]!;
        buffer[j] = buffer[i]!;
      }
    }, this.batched);
  }

  /** Examples packed into batches of `size` rows (the last one may be shorter), copied once. */
  batch(this: Dataset<Example>, size: number): Dataset<Batch> {
    const rows = positiveInteger('size', size);
    if (this.batched) throw new InvalidArgumentError('Expected a dataset of examples for batch() but this one is already batched');
    const open = this.open;
    return new Dataset<Batch>(async function* batches(pass) {
      let pending: Example[] = [];
      for await (const example of open(pass)) {
        pending.push(example);
        if (pending.length === rows) {
          yield pack(pending);
          pending = [];
        }
      }
      if (pending.length > 0) yield pack(pending);
    }, true);
  }

  /**
   * Two datasets over the same source: each element goes to the second (held out) with
   * probability `fraction`, decided by a seeded hash of its position, so the split is the same
   * on every pass and the two never share an element.
   */
  split(fraction: number, options: { seed?: number } = {}): [Dataset<T>, Dataset<T>] {
    if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) throw invalid('fraction', 'number between 0 and 1 (exclusive)', fraction);
    const o = readOptions('split options', options, ['seed']);
    const seed = o.seed === undefined ? 42 : nonNegativeInteger('seed', o.seed);
    const part = (held: boolean): Dataset<T> => {
      const open = this.open;
      return new Dataset<T>(async function* parted(pass) {
        let i = 0;
        for await (const element of open(pass)) if (heldOut(seed, i++, fraction) === held) yield element;
      }, this.batched);
    };
    return [part(false), part(true)];
  }
}

function nonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(name, 'integer ≥ 0', value);
  return value;
}

/** Whether element i is held out by split(fraction, { seed }): a 32-bit mix of (seed, i) below fraction·2³². */
export function heldOut(seed: number, i: number, fraction: number): boolean {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  // Stryker disable next-line EqualityOperator: a hash exactly equal to fraction·2³² (odds 2⁻³² per row) is the only difference
  return ((h ^ (h >>> 16)) >>> 0) < fraction * 2 ** 32;
}

/** Rows of examples as one batch: labels when the targets are class labels, float rows otherwise. */
function pack(examples: readonly Example[]): Batch {
  const features = examples[0]!.x.length;
  const x = new Float32Array(examples.length * features);
  const labels = typeof examples[0]!.y === 'number';
  const width = labels ? 1 : (examples[0]!.y as Float32Array).length;
  const y = labels ? new Int32Array(examples.length) : new Float32Array(examples.length * width);
  examples.forEach((e, r) => {
    if (e.x.length !== features) throw new ShapeError(`Expected every example to have ${features} features but example ${r} of a batch has ${e.x.length}`);
    x.set(e.x, r * features);
    if (labels !== (typeof e.y === 'number')) throw new ShapeError('Expected every example of a batch to have the same kind of target (class label or values)');
    if (labels) y[r] = e.y as number;
    else if ((e.y as Float32Array).length !== width) throw new ShapeError(`Expected every example to have ${width} target values but example ${r} of a batch has ${(e.y as Float32Array).length}`);
    else (y as Float32Array).set(e.y as Float32Array, r * width);
  });
  return { x, y };
}
