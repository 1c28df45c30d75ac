// Rows of a table (a CSV record, a JSON-lines object) turned into examples: the feature columns
// as numbers (categorical ones one-hot), the target as a number, a class label or a one-hot row.
// Both file loaders share this, so both read columns, categories and errors the same way.
import { DataFormatError } from '../errors';
import { invalid, oneOf, readArray, readOptions } from '../validate';
import type { Example } from './dataset';

export interface TableOptions {
  /**
   * The target column: a name (with a header, or a JSON-lines key) or a 0-based index. Without
   * one (rows to predict on), every example's y is an empty Float32Array.
   */
  target?: string | number;
  /** The feature columns, in order. Default: every column but the target, in the file's order. */
  features?: readonly (string | number)[];
  /**
   * A categorical target: its classes in label order (a value's label is its index), or
   * 'auto' to number them in order of first appearance (`dataset.table.classes`).
   */
  labels?: readonly string[] | 'auto';
  /** With `labels` given as a list: one-hot target rows instead of class labels. */
  oneHot?: boolean;
  /** Categorical feature columns, each with its categories: one-hot encoded in place. */
  categories?: Readonly<Record<string, readonly string[]>>;
  /** A malformed row: 'throw' (default) a DataFormatError naming file, line and column, or 'skip' it and count it. */
  onError?: 'throw' | 'skip';
}

/** What a pass over the file learned, kept on the dataset (`dataset.table`). */
export class TableInfo {
  /** Feature column names (or indices), in order, before one-hot expansion. */
  featureNames: readonly (string | number)[] = [];
  /** Features per example after one-hot expansion. */
  features = 0;
  /** The target's classes, in label order (categorical targets). */
  readonly classes: string[] = [];
  /** Rows skipped as malformed in the last pass (onError: 'skip'). */
  skipped = 0;
}

/**
 * The table columns a model reads and predicts (model.setColumns, saved with the model): its
 * feature columns in input order, the target column, and a categorical target's classes in
 * label order, so rows of a file can be decoded for it and its outputs named.
 */
export interface Columns {
  readonly features: readonly (string | number)[];
  readonly target?: string | number;
  readonly classes?: readonly string[];
}

/** A checked, frozen copy of `value` as the columns of a model with `inputs` features and `outputs` outputs. */
export function checkColumns(value: unknown, inputs: number, outputs: number): Columns {
  const o = readOptions('columns', value, ['features', 'target', 'classes']);
  const features = readArray(o.features)?.map((c, i) => columnName(`columns.features[${i}]`, c));
  if (features?.length !== inputs) throw invalid('columns.features', `array of ${inputs} column names or indices (one per input)`, o.features);
  const target = o.target === undefined ? undefined : columnName('columns.target', o.target);
  const classes = readArray(o.classes);
  // One class per output, or two for a single sigmoid output (binary cross-entropy).
  const count = outputs === 1 ? 2 : outputs;
  if (o.classes !== undefined && (classes?.length !== count || !classes.every((c) => typeof c === 'string') || new Set(classes).size !== count)) {
    throw invalid('columns.classes', `array of ${count} distinct class names`, o.classes);
  }
  return Object.freeze({
    features: Object.freeze(features), ...(target !== undefined && { target }), ...(classes !== undefined && { classes: Object.freeze(classes as string[]) }),
  });
}

/** Reads one row's columns; `columns` lists the row's own columns, in order (for the defaults). */
export interface RowReader {
  get(column: string | number): unknown;
  readonly columns: readonly (string | number)[];
}

export interface TableDecoder {
  readonly info: TableInfo;
  /** The row as an example, or undefined when it is malformed and skipped. */
  decode(row: RowReader, line: number): Example | undefined;
  /** Starts a pass: the skipped count restarts. */
  reset(): void;
}

/** The decoder for `options` over the rows of `file` (for messages). */
export function tableDecoder(file: string, options: TableOptions): TableDecoder {
  const o = readOptions('table options', options, ['target', 'features', 'labels', 'oneHot', 'categories', 'onError']);
  const target = o.target === undefined ? undefined : columnName('target', o.target);
  const featureList = readArray(o.features)?.map((c, i) => columnName(`features[${i}]`, c));
  if (o.features !== undefined && featureList === undefined) throw invalid('features', 'array of column names or indices', o.features);
  const labelList = readArray(o.labels); // undefined for 'auto'
  if (o.labels !== undefined && o.labels !== 'auto' && (labelList === undefined || labelList.length === 0 || !labelList.every((l) => typeof l === 'string'))) {
    throw invalid('labels', "non-empty array of class names or 'auto'", o.labels);
  }
  if (target === undefined && o.labels !== undefined) throw invalid('labels', 'undefined without a target column', o.labels);
  const oneHot = o.oneHot ?? false;
  if (typeof oneHot !== 'boolean') throw invalid('oneHot', 'boolean', oneHot);
  if (oneHot && labelList === undefined) throw invalid('oneHot', "labels given as a list of classes (one-hot rows need their width before the first row)", o.labels);
  const categories = o.categories === undefined ? {} : (o.categories as Record<string, readonly string[]>);
  if (typeof categories !== 'object' || categories === null) throw invalid('categories', 'object of column → categories', o.categories);
  const onError = oneOf('onError', o.onError ?? 'throw', ['throw', 'skip'] as const);

  const info = new TableInfo();
  if (labelList !== undefined) info.classes.push(...(labelList as string[]));
  const fail = (message: string, line: number, column?: string | number): never => {
    throw new DataFormatError(`${message} in ${file} line ${line}${column === undefined ? '' : ` column '${column}'`}`, {
      file, line, ...(column === undefined ? {} : { column: String(column) }),
    });
  };
  const number = (row: RowReader, column: string | number, line: number): number => {
    const raw = row.get(column);
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isFinite(value)) fail(`Expected a finite number but found ${raw === undefined ? 'no value' : JSON.stringify(raw)}`, line, column);
    return value;
  };

  // Per feature column, its categories (one-hot) or undefined (a number): worked out once.
  // Stryker disable next-line ArrayDeclaration: equivalent, the first row sets the plan before it is read
  let plan: [column: string | number, known: readonly string[] | undefined][] = [];
  const decodeRow = (row: RowReader, line: number): Example => {
    if (info.featureNames.length === 0) {
      for (const c of [...(target === undefined ? [] : [target]), ...(featureList ?? [])]) {
        if (!row.columns.includes(c)) fail(`Expected a column ${JSON.stringify(c)} but the row has ${row.columns.length} (${listColumns(row.columns)})`, line, c);
      }
      info.featureNames = featureList ?? row.columns.filter((c) => c !== target);
      plan = info.featureNames.map((c) => [c, categories[String(c)]]);
      info.features = plan.reduce((n, [, known]) => n + (known?.length ?? 1), 0);
      if (info.features === 0) fail('Expected at least one feature column', line);
    }
    const x = new Float32Array(info.features);
    let at = 0;
    for (const [column, known] of plan) {
      if (known === undefined) {
        x[at++] = number(row, column, line);
        continue;
      }
      const index = known.indexOf(String(row.get(column)));
      if (index < 0) fail(`Expected one of ${known.map((c) => `'${c}'`).join(', ')} but found ${JSON.stringify(row.get(column))}`, line, column);
      x[at + index] = 1;
      at += known.length;
    }
    if (target === undefined) return { x, y: NO_TARGET };
    if (o.labels === undefined) return { x, y: Float32Array.of(number(row, target, line)) };
    const raw = row.get(target);
    if (raw === undefined || raw === null || raw === '') fail('Expected a class but found no value', line, target);
    const name = String(raw);
    let label = info.classes.indexOf(name);
    if (label < 0 && o.labels === 'auto') label = info.classes.push(name) - 1;
    if (label < 0) fail(`Expected one of the classes ${info.classes.map((c) => `'${c}'`).join(', ')} but found ${JSON.stringify(raw)}`, line, target);
    if (!oneHot) return { x, y: label };
    const y = new Float32Array(info.classes.length);
    y[label] = 1;
    return { x, y };
  };

  return {
    info,
    reset: () => {
      info.skipped = 0;
    },
    decode(row, line) {
      try {
        return decodeRow(row, line);
      } catch (error) {
        if (onError === 'skip' && error instanceof DataFormatError) {
          info.skipped++;
          return undefined;
        }
        throw error;
      }
    },
  };
}

/** Columns for a message: the first few and the count. */
function listColumns(columns: readonly (string | number)[]): string {
  const shown = columns.slice(0, 6).map((c) => JSON.stringify(c)).join(', ');
  return columns.length > 6 ? `${shown}, …` : shown;
}

/** The y of an example read without a target column: zero target values. */
const NO_TARGET = new Float32Array(0);

function columnName(name: string, value: unknown): string | number {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw invalid(name, 'column name or 0-based index', value);
}
