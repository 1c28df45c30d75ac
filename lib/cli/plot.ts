// blastrain plot HISTORY.json -o curves.svg: a saved history (train writes one beside every
// model) as training curves.
import { readFile } from 'node:fs/promises';
import { FileError } from '../errors';
import { plotHistory } from '../plot/history';
import { integer, list, text, UsageError, type CommandSpec, type Parsed } from './args';
import { inCwd, writeText, type Io } from './io';

export const PLOT: CommandSpec = {
  name: 'plot',
  summary: 'Draws a training history (JSON, as train writes it) as an SVG of its curves.',
  positionals: ['HISTORY'],
  options: {
    out: { type: 'string', short: 'o', value: 'FILE', description: 'The SVG to write', defaultText: 'HISTORY with .svg for .json' },
    metrics: { type: 'string', value: 'A,B,…', description: 'The quantities to plot (each with its validation twin)', defaultText: 'loss and every metric' },
    log: { type: 'boolean', description: 'A log scale for the loss' },
    title: { type: 'string', value: 'TEXT', description: 'A heading' },
    width: { type: 'string', value: 'PIXELS', description: 'Picture width', defaultText: '720' },
  },
};

export async function plot({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0]!;
  const out = text(values, 'out', file.endsWith('.json') ? `${file.slice(0, -5)}.svg` : `${file}.svg`)!;
  let history: unknown;
  try {
    history = JSON.parse(await readFile(inCwd(io, file), 'utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) throw new UsageError(`Expected a JSON history in ${file} but it does not parse: ${error.message}`);
    throw new FileError(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const metrics = list(values, 'metrics');
  const svg = plotHistory(history as Record<string, number[]>, {
    ...(metrics && { metrics }), logScale: values.log === true, width: integer(values, 'width', 720, 200, 10000),
    ...(values.title !== undefined && { title: text(values, 'title')! }),
  });
  await writeText(inCwd(io, out), svg);
  io.stdout.write(values.json === true ? `${JSON.stringify({ svg: out })}\n` : `Wrote ${out}\n`);
  return 0;
}
