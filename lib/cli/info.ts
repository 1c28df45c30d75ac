// blastrain info MODEL: what a model file holds: the layer table, the file's format version and
// size, loss, optimizer (and whether its state is saved, to resume), metrics, input scaling and
// the table columns it reads.
import { stat } from 'node:fs/promises';
import { FileError } from '../errors';
import { parseRecord } from '../io/model-file';
import { readHeader } from '../io/safetensors';
import { withFile } from '../io/sources';
import type { CommandSpec, Parsed } from './args';
import { inCwd, type Io } from './io';
import { loadModel } from './model-input';

export const INFO: CommandSpec = {
  name: 'info',
  summary: 'Describes a saved model: its layers, format version, size, loss, optimizer, input scaling and columns.',
  positionals: ['MODEL'],
  options: {},
};

function size(bytes: number): string {
  return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(2)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`;
}

/** A list, shortened in the middle when long: a, b, c, …, y, z (26). */
function shortList(items: readonly (string | number)[]): string {
  const all = items.map(String);
  return (all.length <= 8 ? all : [...all.slice(0, 4), '…', ...all.slice(-2)]).join(', ') + (all.length > 8 ? ` (${all.length})` : '');
}

export async function info({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0]!;
  const opened = inCwd(io, file);
  const model = await loadModel(opened);
  const { metadata, record } = await withFile(opened, async (source) => {
    const header = await readHeader(source);
    return { metadata: header.metadata, record: parseRecord(source, header.metadata) };
  });
  const bytes = (await stat(opened).catch((error: Error) => {
    throw new FileError(`Cannot read ${file}: ${error.message}`, { cause: error });
  })).size;
  const formatVersion = Number(metadata.format_version);
  const facts = {
    file, bytes, formatVersion, parameters: model.params.length, inputSize: model.inputSize, outputSize: model.outputSize,
    layers: record.architecture.layers, loss: record.loss, metrics: model.metricNames, optimizer: record.optimizer,
    optimizerStateSaved: record.optimizerStep !== undefined, optimizerStep: record.optimizerStep,
    preprocessing: record.preprocessing?.type, columns: record.columns, torchModule: metadata.torch_module,
  };
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify(facts)}\n`);
    return 0;
  }
  const c = record.columns;
  io.stdout.write([
    model.summary(),
    `File: ${file} (${size(bytes)}), blastrain format version ${formatVersion}`,
    `Optimizer state: ${facts.optimizerStateSaved ? `saved, after ${facts.optimizerStep} steps (training can resume exactly)` : 'not saved'}`,
    `Input scaling: ${record.preprocessing === undefined ? 'none' : `${record.preprocessing.type === 'standard' ? 'standard (x − mean) / std' : 'min-max to [0, 1]'}, saved with the model`}`,
    ...(c === undefined ? [] : [
      `Features: ${shortList(c.features)}`,
      ...(c.target === undefined ? [] : [`Target: ${c.target}${c.classes === undefined ? '' : `, classes ${shortList(c.classes)}`}`]),
    ]),
    `PyTorch: ${metadata.torch_module}`,
    '',
  ].join('\n'));
  return 0;
}
