// How the CLI reads a data file: CSV or JSON lines (by extension, or --format), through the
// library's loaders. train reads a file into memory once (typed arrays, the fastest way to
// train) or, with --stream, again every epoch; the target's kind (classes or numbers) is
// sniffed from the first rows; validation rows are the ones Dataset.split would hold out.
import path from 'node:path';
import { Dataset, heldOut, type Example } from '../data/dataset';
import type { TableOptions } from '../data/table';
import { choice, text, UsageError, type OptionSpec, type OptionValues } from './args';

export const TABLE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  format: { type: 'string', value: 'csv|jsonl', description: 'The data file format', defaultText: 'from the extension: .jsonl/.ndjson JSON lines, else CSV' },
  delimiter: { type: 'string', value: 'CHAR', description: 'CSV field delimiter', defaultText: ', (a tab for .tsv)' },
  'no-header': { type: 'boolean', description: 'The CSV has no header row: columns are 0-based indices' },
};

export interface TableSource {
  readonly path: string;
  readonly format: 'csv' | 'jsonl';
  readonly delimiter: string;
  readonly header: boolean;
}

export function tableSource(file: string, values: OptionValues): TableSource {
  const extension = path.extname(file).toLowerCase();
  const format = choice(values, 'format', ['csv', 'jsonl'] as const, ['.jsonl', '.ndjson'].includes(extension) ? 'jsonl' : 'csv');
  const delimiter = text(values, 'delimiter', extension === '.tsv' ? '\t' : ',')!;
  if (delimiter.length === 0) throw new UsageError('Expected a non-empty --delimiter');
  return { path: file, format, delimiter, header: values['no-header'] !== true };
}

/** A column named on the command line: a name, or (CSV without a header) a 0-based index. */
export function column(source: TableSource, name: string): string | number {
  if (source.format === 'csv' && !source.header) {
    if (!/^\d+$/.test(name)) throw new UsageError(`Expected a 0-based column index (the CSV has no header) but received '${name}'`);
    return Number(name);
  }
  return name;
}

export function openTable(source: TableSource, options: TableOptions): Dataset<Example> {
  return source.format === 'jsonl'
    ? Dataset.fromJsonLines(source.path, options)
    : Dataset.fromCsv(source.path, { ...options, delimiter: source.delimiter, header: source.header });
}

/** Reads a dataset to its end, for what the pass records (classes, counts, a scaler's statistics). */
export async function drain(rows: AsyncIterable<unknown>): Promise<void> {
  for await (const row of rows) void row;
}

/** Rows sniffed to tell classes from numbers. */
const SNIFF_ROWS = 1000;
/** Whole numbers with at most this many distinct values in the sniffed rows are taken for classes. */
const MAX_NUMERIC_CLASSES = 20;

/**
 * Whether the target holds classes: yes when a value in the first rows is not a number, or when
 * they are whole numbers with few distinct values (digits 0–9); numbers otherwise.
 */
export async function targetIsCategorical(source: TableSource, options: TableOptions): Promise<boolean> {
  const sniff = openTable(source, { ...options, labels: 'auto' });
  await drain(sniff.take(SNIFF_ROWS)); // the pass fills sniff.table.classes
  const values = sniff.table!.classes;
  if (!values.every(isNumeric)) return true;
  return values.length <= MAX_NUMERIC_CLASSES && values.every((v) => Number.isInteger(Number(v)));
}

function isNumeric(value: string): boolean {
  return value.trim() !== '' && Number.isFinite(Number(value));
}

/** Classes in a stable order: numerically when they are all numbers, else by code point. */
export function sortClasses(classes: readonly string[]): string[] {
  return classes.every(isNumeric) ? [...classes].sort((a, b) => Number(a) - Number(b)) : [...classes].sort();
}

/** Rows of a table in memory. */
export interface Rows {
  /** rows × features. */
  readonly x: Float32Array;
  /** Class labels (rows,) or target values (rows × 1). */
  readonly y: Int32Array | Float32Array;
  readonly count: number;
}

export interface LoadedTable {
  readonly train: Rows;
  /** The held-out rows (empty without validation). */
  readonly validation: Rows;
  readonly featureNames: readonly (string | number)[];
  /** The target's classes (label order), for a categorical target. */
  readonly classes: readonly string[] | undefined;
  readonly skipped: number;
}

/** Grows by doubling; `view()` is the filled part. */
class Growing<T extends Float32Array | Int32Array> {
  private data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1024);
  }

  push(values: ArrayLike<number>): void {
    if (this.length + values.length > this.data.length) {
      const bigger = this.make(Math.max(2 * this.data.length, this.length + values.length));
      bigger.set(this.data.subarray(0, this.length));
      this.data = bigger;
    }
    this.data.set(values, this.length);
    this.length += values.length;
  }

  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/**
 * The whole table in memory, its rows split as `split(validation, { seed })` would split them.
 * A categorical target's labels are renumbered to the sorted class order.
 */
export async function loadTable(source: TableSource, options: TableOptions, validation: number, seed: number): Promise<LoadedTable> {
  const categorical = options.labels !== undefined;
  const dataset = openTable(source, options);
  const parts = [0, 1].map(() => ({ x: new Growing((n) => new Float32Array(n)), y: categorical ? new Growing((n) => new Int32Array(n)) : new Growing((n) => new Float32Array(n)), count: 0 }));
  let i = 0;
  for await (const example of dataset) {
    const part = parts[validation > 0 && heldOut(seed, i++, validation) ? 1 : 0]!;
    part.x.push(example.x);
    part.y.push(typeof example.y === 'number' ? [example.y] : example.y);
    part.count++;
  }
  const info = dataset.table!;
  if (parts[0]!.count === 0) throw new UsageError(`Expected rows to train on in ${source.path} but found ${parts[1]!.count === 0 ? 'none' : 'only held-out rows'}`);
  let classes: string[] | undefined;
  const rows = parts.map((p) => ({ x: p.x.view(), y: p.y.view(), count: p.count }));
  if (categorical) {
    classes = sortClasses(info.classes);
    const order = info.classes.map((c) => classes!.indexOf(c));
    for (const r of rows) for (let k = 0; k < r.y.length; k++) r.y[k] = order[r.y[k]!]!;
  }
  return { train: rows[0]!, validation: rows[1]!, featureNames: info.featureNames, classes, skipped: info.skipped };
}
