// blastrain predict MODEL DATA: the model's outputs for every row of a file, streamed: rows are
// read in chunks, predicted off the main thread (predictAsync) and written as they come, CSV or
// JSON lines, to a file or stdout (waiting when the reader is slower: back-pressure).
import type { Sequential } from '../model';
import { choice, integer, text, type CommandSpec, type Parsed } from './args';
import { inCwd, TextSink, type Io } from './io';
import { loadModel, MODEL_TABLE_OPTIONS, modelRows } from './model-input';
import { tableSource } from './table-input';

export const PREDICT: CommandSpec = {
  name: 'predict',
  summary: "Writes a saved model's predictions for every row of a CSV or JSON-lines file.",
  positionals: ['MODEL', 'DATA'],
  options: {
    ...MODEL_TABLE_OPTIONS,
    out: { type: 'string', short: 'o', value: 'FILE', description: 'Where to write', defaultText: 'stdout' },
    'out-format': { type: 'string', value: 'csv|jsonl', description: 'Output format', defaultText: 'from --out\'s extension; CSV on stdout, JSON lines with --json' },
  },
  notes: [
    'A classifier writes the predicted class and one probability per class (prob_<class>); a regressor its output (named after the target).',
  ],
};

/** Output columns and each row's values for the model's outputs. */
function outputColumns(model: Sequential): { names: string[]; row(out: Float32Array, r: number): (string | number)[] } {
  const K = model.outputSize;
  const columns = model.columns;
  const value = (v: number) => Number(v.toPrecision(7));
  if (model.loss === 'categoricalCrossentropy' || model.loss === 'binaryCrossentropy') {
    const classes = columns?.classes ?? (K === 1 ? ['0', '1'] : Array.from({ length: K }, (_, k) => String(k)));
    if (K === 1) {
      return { names: ['predicted', `prob_${classes[1]}`], row: (out, r) => [classes[out[r]! > 0.5 ? 1 : 0]!, value(out[r]!)] };
    }
    return {
      names: ['predicted', ...classes.map((c) => `prob_${c}`)],
      row: (out, r) => {
        const p = out.subarray(r * K, (r + 1) * K);
        let best = 0;
        // Stryker disable next-line EqualityOperator: equivalent, p[K] is undefined and never greater
        for (let k = 1; k < K; k++) if (p[k]! > p[best]!) best = k;
        return [classes[best]!, ...Array.from(p, value)];
      },
    };
  }
  const target = columns?.target;
  const names = K === 1 ? [target === undefined ? 'output' : String(target)] : Array.from({ length: K }, (_, k) => `output_${k}`);
  return { names, row: (out, r) => Array.from(out.subarray(r * K, (r + 1) * K), value) };
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function predict({ values, positionals }: Parsed, io: Io): Promise<number> {
  const model = await loadModel(inCwd(io, positionals[0]!));
  const source = tableSource(inCwd(io, positionals[1]!), values);
  const batchSize = integer(values, 'batch-size', 1024);
  const file = text(values, 'out');
  const defaultFormat = file === undefined ? (values.json === true ? 'jsonl' : 'csv') : /\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : 'csv';
  const format = choice(values, 'out-format', ['csv', 'jsonl'] as const, defaultFormat);
  const { names, row } = outputColumns(model);
  const rows = modelRows(model, source, values, false).batch(batchSize);
  const sink = new TextSink(file === undefined ? undefined : inCwd(io, file), io.stdout);
  let count = 0;
  if (format === 'csv') await sink.write(`${names.map(csvField).join(',')}\n`);
  for await (const batch of rows) {
    if (sink.closed) break; // the reader went away (| head): stop reading too
    const outputs = await model.predictAsync(batch.x, { batchSize });
    const n = batch.x.length / model.inputSize;
    let chunk = '';
    for (let r = 0; r < n; r++) {
      const fields = row(outputs, r);
      chunk += format === 'csv' ? `${fields.map(csvField).join(',')}\n` : `${JSON.stringify(Object.fromEntries(names.map((name, i) => [name, fields[i]])))}\n`;
    }
    count += n;
    await sink.write(chunk);
  }
  await sink.end();
  if (file !== undefined) {
    io.stderr.write(`Wrote ${count.toLocaleString('en-US')} predictions to ${file}\n`);
  }
  return 0;
}
