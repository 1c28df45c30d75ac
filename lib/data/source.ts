// What fit and evaluateAsync accept as a stream, and how it becomes the batches they read.
import { invalid, readOptions } from '../validate';
import { Dataset, type Batch, type Example } from './dataset';

/** A Dataset, any async iterable of `{ x, y }` batches, or a function returning an (async) iterable of them per epoch. */
export type DataSource = Dataset<Example> | Dataset<Batch> | AsyncIterable<Batch> | (() => Iterable<Batch> | AsyncIterable<Batch>);

/** A stream rather than arrays: a Dataset, a function, or an async iterable (plain arrays are rows of numbers). */
export function isDataSource(value: unknown): value is DataSource {
  return value instanceof Dataset || typeof value === 'function' || (typeof value === 'object' && value !== null && Symbol.asyncIterator in value);
}

export function toDataset(source: DataSource): Dataset<Example> | Dataset<Batch> {
  return source instanceof Dataset ? source : Dataset.from(source as AsyncIterable<Batch>);
}

/**
 * The stream's batches: a dataset of examples grouped into batches of `batchSize` rows, after a
 * shuffle buffer when `shuffle` is `{ bufferSize }` (seeded by the model's seed).
 */
export function streamBatches(data: Dataset<Example> | Dataset<Batch>, batchSize: number, shuffle: unknown, seed: number): Dataset<Batch> {
  let shuffled: Dataset<Example> | Dataset<Batch> = data;
  if (shuffle === true) throw invalid('shuffle', '{ bufferSize } for a stream, which cannot be shuffled whole', shuffle);
  if (shuffle !== undefined && shuffle !== false) {
    const o = readOptions('shuffle', shuffle, ['bufferSize']);
    shuffled = (data as Dataset<Example>).shuffle({ bufferSize: o.bufferSize as number, seed: seed >>> 0 });
  }
  return shuffled.batched ? (shuffled as Dataset<Batch>) : (shuffled as Dataset<Example>).batch(batchSize);
}
