// eval and predict read a saved model and a data file: the file's rows are decoded with the
// columns the model was trained on (model.columns, saved by train), or those named on the
// command line (--features, --target) for a model trained in code.
import type { Dataset, Example } from '../data/dataset';
import type { TableOptions } from '../data/table';
import { Sequential } from '../model';
import { list, text, UsageError, type OptionSpec, type OptionValues } from './args';
import { column, openTable, TABLE_OPTIONS, type TableSource } from './table-input';

export const MODEL_TABLE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  features: { type: 'string', value: 'A,B,…', description: 'The input columns, in order', defaultText: "the model's (saved by train), else every column but the target" },
  ...TABLE_OPTIONS,
  'batch-size': { type: 'string', value: 'N', description: 'Rows per chunk', defaultText: '1024' },
};

export async function loadModel(file: string): Promise<Sequential> {
  return Sequential.load(file);
}

/** How a model reads a file: its input columns, and (withTarget) its target as the model's loss needs it. */
export function modelRows(model: Sequential, source: TableSource, values: OptionValues, withTarget: boolean): Dataset<Example> {
  const saved = model.columns;
  const features = list(values, 'features')?.map((f) => column(source, f)) ?? saved?.features;
  // Without a target (predict), every column is a feature unless the model or --features says otherwise.
  if (!withTarget) return openTable(source, features === undefined ? {} : { features });
  const targetName = text(values, 'target');
  const target = targetName === undefined ? saved?.target : column(source, targetName);
  if (target === undefined) throw new UsageError('Expected --target COLUMN: the model does not name its target column (it was not trained by blastrain train)');
  const table: TableOptions = { target, ...(features && { features }) };
  const classes = saved?.classes;
  if (model.loss === 'mse') return openTable(source, table);
  if (classes !== undefined) {
    const rows = openTable(source, { ...table, labels: classes });
    // A single sigmoid output takes the class as a float target, 0 or 1.
    return model.loss === 'binaryCrossentropy' ? rows.map((e) => ({ x: e.x, y: Float32Array.of(e.y as number) })) : rows;
  }
  // No class names: the target holds class indices (categorical) or 0/1 values (binary) as numbers.
  const rows = openTable(source, table);
  return model.loss === 'categoricalCrossentropy' ? rows.map((e) => ({ x: e.x, y: (e.y as Float32Array)[0]! })) : rows;
}
