// blastrain eval MODEL DATA: the model's loss and metrics over a file, streamed in chunks off
// the main thread (evaluateAsync), so a file of any size takes constant memory.
import { integer, text, UsageError, type CommandSpec, type Parsed } from './args';
import { inCwd, type Io } from './io';
import { loadModel, MODEL_TABLE_OPTIONS, modelRows } from './model-input';
import { tableSource } from './table-input';

export const EVAL: CommandSpec = {
  name: 'eval',
  summary: "Evaluates a saved model on a CSV or JSON-lines file: its loss and metrics.",
  positionals: ['MODEL', 'DATA'],
  options: {
    target: { type: 'string', value: 'COLUMN', description: 'The target column', defaultText: "the model's (saved by train)" },
    ...MODEL_TABLE_OPTIONS,
  },
};

export async function evaluate({ values, positionals }: Parsed, io: Io): Promise<number> {
  const model = await loadModel(inCwd(io, positionals[0]!));
  if (model.loss === undefined) throw new UsageError(`${positionals[0]} was saved without a loss (compile the model before saving it): eval needs one`);
  const source = tableSource(inCwd(io, positionals[1]!), values);
  let rows = 0;
  const data = modelRows(model, source, values, true).map((example) => {
    rows++;
    return example;
  });
  const result = await model.evaluateAsync(data, { batchSize: integer(values, 'batch-size', 1024) });
  if (values.json === true) io.stdout.write(`${JSON.stringify({ ...result, rows })}\n`);
  else io.stdout.write(`${Object.entries(result).map(([k, v]) => `${k} ${v.toFixed(/loss|mae|mse/i.test(k) ? 6 : 4)}`).join(' - ')} (${rows.toLocaleString('en-US')} rows of ${text(values, 'target') ?? model.columns?.target ?? 'the target'})\n`);
  return 0;
}
