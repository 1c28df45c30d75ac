// blastrain train DATA --target COL …: reads a CSV or JSON-lines file, picks the loss from the
// target (classes → cross-entropy, numbers → MSE), normalizes the inputs (the scaler is saved
// in the model), trains with a live progress bar, keeps the best epoch's weights (validation
// loss, or training loss without validation), and writes the model, its history (JSON) and
// its training curves (SVG, rewritten every epoch). Ctrl-C stops after the running batch and
// still saves; a second Ctrl-C quits at once.
import path from 'node:path';
import { Dataset, heldOut } from '../data/dataset';
import { DataFormatError, InvalidArgumentError } from '../errors';
import { MinMaxScaler, StandardScaler, type Scaler } from '../data/scalers';
import type { TableOptions } from '../data/table';
import { Dense, Dropout, type Layer } from '../layers';
import { ACTIVATIONS, type LossName } from '../layout';
import { Sequential, type FitOptions } from '../model';
import { createOptimizer, OPTIMIZER_TYPES } from '../optim/registry';
import { plotHistory } from '../plot/history';
import { SvgPlotter } from '../plot/svg-plotter';
import { EarlyStopping } from '../train/early-stopping';
import type { History } from '../train/callbacks';
import { loadNative } from '../native';
import { choice, integer, integerList, list, number, text, UsageError, type CommandSpec, type Parsed } from './args';
import { column, drain, loadTable, openTable, sortClasses, tableSource, targetIsCategorical, TABLE_OPTIONS, type TableSource } from './table-input';
import { inCwd, say, writeText, type Io } from './io';

export const TRAIN: CommandSpec = {
  name: 'train',
  summary: 'Trains a multilayer perceptron on a CSV or JSON-lines file; writes the model, its history (JSON) and its training curves (SVG).',
  positionals: ['DATA'],
  options: {
    target: { type: 'string', value: 'COLUMN', description: 'The column to predict (required)' },
    features: { type: 'string', value: 'A,B,…', description: 'The input columns, in order', defaultText: 'every other column' },
    ...TABLE_OPTIONS,
    layers: { type: 'string', value: 'N,N,…', description: "Hidden layer sizes, or 'none'", defaultText: '128,64' },
    activation: { type: 'string', value: 'NAME', description: 'Hidden layer activation: relu, leakyRelu, tanh, sigmoid, linear', defaultText: 'relu' },
    dropout: { type: 'string', value: 'RATE', description: 'Dropout after each hidden layer, 0 to <1', defaultText: '0' },
    loss: {
      type: 'string', value: 'NAME', defaultText: 'auto',
      description: 'auto (classes → categoricalCrossentropy, numbers → mse), mse, categoricalCrossentropy or binaryCrossentropy (two classes)',
    },
    optimizer: { type: 'string', value: 'NAME', description: 'adam, adamw, sgd or rmsprop', defaultText: 'adam' },
    lr: { type: 'string', value: 'RATE', description: 'Learning rate', defaultText: '1e-3' },
    epochs: { type: 'string', value: 'N', description: 'Passes over the data', defaultText: '20' },
    'batch-size': { type: 'string', value: 'N', description: 'Rows per update', defaultText: '64' },
    'val-split': { type: 'string', value: 'FRACTION', description: 'Rows held out for validation (by a seeded hash of their position), 0 for none', defaultText: '0.1' },
    'early-stopping': { type: 'string', value: 'PATIENCE', description: 'Stop after this many epochs without a better validation loss' },
    normalize: { type: 'string', value: 'KIND', description: 'Input scaling saved with the model: standard, minmax or none', defaultText: 'standard' },
    threads: { type: 'string', value: 'N', description: 'OpenBLAS threads per call', defaultText: 'chosen per shape, up to every core' },
    seed: { type: 'string', value: 'N', description: 'Seeds initialisation, shuffling and the validation split', defaultText: '42' },
    stream: { type: 'boolean', description: 'Read the file again every epoch instead of holding it in memory (for files larger than memory)' },
    out: { type: 'string', short: 'o', value: 'FILE', description: 'The model file; history and curves go beside it (FILE.history.json, FILE.curves.svg)', defaultText: 'model.safetensors' },
  },
  notes: [
    'The saved weights are those of the best epoch: lowest validation loss (training loss with --val-split 0).',
    'Ctrl-C stops after the running batch and saves the best model so far (exit code 130); press it again to quit without saving.',
    'Exit codes: 0 done, 1 training failed (e.g. the loss became NaN), 2 bad usage or unreadable input, 130 interrupted (model saved).',
    '',
    'Example: blastrain train mnist-train.csv --target label --layers 128 --epochs 10 --out mnist.safetensors',
  ],
};

/** The paths written beside the model: model.safetensors → model.history.json, model.curves.svg. */
export function companions(out: string): { history: string; curves: string } {
  const base = out.endsWith('.safetensors') ? out.slice(0, -'.safetensors'.length) : out;
  return { history: `${base}.history.json`, curves: `${base}.curves.svg` };
}

interface Settings {
  source: TableSource;
  table: TableOptions;
  loss: 'auto' | LossName;
  hidden: number[];
  activation: (typeof ACTIVATIONS)[number];
  dropout: number;
  optimizer: string;
  lr: number;
  epochs: number;
  batchSize: number;
  validation: number;
  patience: number | undefined;
  normalize: 'standard' | 'minmax' | 'none';
  seed: number;
  stream: boolean;
  out: string;
}

function settings({ values, positionals }: Parsed, io: Io): Settings {
  const source = tableSource(inCwd(io, positionals[0]!), values);
  const target = text(values, 'target');
  if (target === undefined) throw new UsageError("Expected --target COLUMN: the column to predict");
  const features = list(values, 'features')?.map((f) => column(source, f));
  const threads = values.threads === undefined ? undefined : integer(values, 'threads', 1, 1, 1024);
  if (threads !== undefined) loadNative().setNumThreads(threads);
  return {
    source,
    table: { target: column(source, target), ...(features && { features }) },
    loss: choice(values, 'loss', ['auto', 'mse', 'categoricalCrossentropy', 'binaryCrossentropy'] as const, 'auto'),
    hidden: integerList(values, 'layers', [128, 64]),
    activation: choice(values, 'activation', ACTIVATIONS.filter((a) => a !== 'softmax'), 'relu'),
    dropout: number(values, 'dropout', 0, { min: 0, below: 1 }),
    optimizer: choice(values, 'optimizer', OPTIMIZER_TYPES, 'adam'),
    lr: number(values, 'lr', 1e-3, { above: 0 }),
    epochs: integer(values, 'epochs', 20),
    batchSize: integer(values, 'batch-size', 64),
    validation: number(values, 'val-split', 0.1, { min: 0, below: 1 }),
    patience: values['early-stopping'] === undefined ? undefined : integer(values, 'early-stopping', 1),
    normalize: choice(values, 'normalize', ['standard', 'minmax', 'none'] as const, 'standard'),
    seed: integer(values, 'seed', 42, 0, 2 ** 31 - 1),
    stream: values.stream === true,
    out: text(values, 'out', 'model.safetensors')!,
  };
}

/** What train needs of the data, read in memory or (--stream) as datasets over the file. */
interface TrainingData {
  /** Runs fit on the data (arrays, or a stream through a shuffle buffer). */
  fit(model: Sequential, options: FitOptions): Promise<History>;
  validation: FitOptions['validationData'];
  rows: number;
  validationRows: number;
  features: number;
  featureNames: readonly (string | number)[];
  classes: readonly string[] | undefined;
  scaler: Scaler | undefined;
}

/** Rows a streamed file is shuffled through (about 3 MB of 784-feature rows per 1,000). */
const STREAM_SHUFFLE_BUFFER = 10_000;

function newScaler(kind: Settings['normalize']): Scaler | undefined {
  return kind === 'standard' ? new StandardScaler() : kind === 'minmax' ? new MinMaxScaler() : undefined;
}

/** Binary cross-entropy takes each row's target as one float, 0 or 1. */
function asBinary(labels: Int32Array): Float32Array {
  return Float32Array.from(labels);
}

async function readInMemory(s: Settings, table: TableOptions, binary: boolean): Promise<TrainingData> {
  const { train, validation, featureNames, classes } = await loadTable(s.source, table, s.validation, s.seed);
  const features = train.x.length / train.count;
  const scaler = newScaler(s.normalize);
  await scaler?.fit(train.x, { features });
  const y = (rows: typeof train) => (binary ? asBinary(rows.y as Int32Array) : rows.y);
  const [x, targets] = [train.x, y(train)];
  return {
    fit: (model, options) => model.fit(x, targets, options),
    validation: validation.count > 0 ? [validation.x, y(validation)] : undefined,
    rows: train.count, validationRows: validation.count, features, featureNames, classes, scaler,
  };
}

/**
 * One pass over the file (to learn the classes, count the rows and fit the scaler on the
 * training rows), then datasets that read it again every epoch.
 */
async function readStreamed(s: Settings, table: TableOptions, binary: boolean): Promise<TrainingData> {
  const all = openTable(s.source, table);
  const counts = [0, 0];
  let features = 0;
  async function* trainingRows() {
    let i = 0;
    for await (const example of all) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, heldOut(…, 0) is false for every row
      const held = s.validation > 0 && heldOut(s.seed, i++, s.validation);
      counts[held ? 1 : 0]!++;
      features = example.x.length;
      if (!held) yield example;
    }
  }
  const scaler = newScaler(s.normalize);
  const pass = scaler === undefined ? drain(trainingRows()) : scaler.fit(Dataset.ofExamples(trainingRows, all.table!));
  // Without a training row the scaler refuses to finish (an InvalidArgumentError): the message
  // below says why. An unreadable row (DataFormatError, FileError) is reported as it is.
  await pass.catch((error: unknown) => {
    if (counts[0] !== 0 || !(error instanceof InvalidArgumentError)) throw error;
  });
  if (counts[0] === 0) throw new UsageError(`Expected rows to train on in ${s.source.path} but found ${counts[1] === 0 ? 'none' : 'only held-out rows'}`);
  const info = all.table!;
  const classes = table.labels === undefined ? undefined : sortClasses(info.classes);
  let data = openTable(s.source, { ...table, ...(classes && { labels: classes }) });
  if (binary) data = data.map((e) => ({ x: e.x, y: Float32Array.of(e.y as number) }));
  const [train, held] = s.validation > 0 ? data.split(s.validation, { seed: s.seed }) : [data, undefined];
  return {
    fit: (model, options) => model.fit(train, { ...options, shuffle: { bufferSize: STREAM_SHUFFLE_BUFFER } }),
    validation: held,
    rows: counts[0]!, validationRows: counts[1]!, features, featureNames: info.featureNames, classes, scaler,
  };
}

/** The data as the loss needs it: a categorical target (sniffed, or told by --loss) as classes. */
async function readData(s: Settings, binary: boolean): Promise<TrainingData> {
  const categorical = s.loss === 'auto' ? await targetIsCategorical(s.source, s.table) : s.loss !== 'mse';
  const table: TableOptions = { ...s.table, ...(categorical && { labels: 'auto' as const }) };
  return (s.stream ? readStreamed : readInMemory)(s, table, binary);
}

/** A text value in a feature column: the same error, saying what to do about it. */
function textFeatureHint(error: unknown, s: Settings): unknown {
  if (!(error instanceof DataFormatError) || error.column === undefined || error.column === String(s.table.target) || !error.message.startsWith('Expected a finite number')) return error;
  return new DataFormatError(
    `${error.message}: train reads feature columns as numbers; leave '${error.column}' out by listing the others with --features, or encode it as numbers first`,
    { file: error.file, line: error.line, column: error.column },
  );
}

export async function train(parsed: Parsed, io: Io): Promise<number> {
  const s = settings(parsed, io);
  const json = parsed.values.json === true;
  const started = performance.now();
  const binary = s.loss === 'binaryCrossentropy';
  const data = await readData(s, binary).catch((error: unknown) => {
    throw textFeatureHint(error, s);
  });
  const categorical = data.classes !== undefined;
  const classes = data.classes;
  // Rows were read (readData refuses a file without any), so there is at least one class.
  if (classes !== undefined && classes.length < 2) throw new UsageError(`Expected at least two classes in target '${s.table.target}' but found only '${classes[0]}'`);
  if (binary && classes!.length !== 2) throw new UsageError(`Expected two classes for --loss binaryCrossentropy but target '${s.table.target}' has ${classes!.length}`);
  const loss: LossName = !categorical ? 'mse' : binary ? 'binaryCrossentropy' : 'categoricalCrossentropy';
  const outputs = !categorical || binary ? 1 : classes!.length;
  say(io, json, `Read ${(data.rows + data.validationRows).toLocaleString('en-US')} rows × ${data.features} features from ${s.source.path} in ${seconds(started)}` +
    (data.validationRows > 0 ? ` (${data.validationRows.toLocaleString('en-US')} held out for validation)` : '') + '; ' +
    (categorical ? `target '${s.table.target}': ${classes!.length} classes → ${loss}` : `target '${s.table.target}': numbers → mse`));

  const layers: Layer[] = [];
  for (const units of s.hidden) {
    layers.push(new Dense(units, { activation: s.activation }));
    if (s.dropout > 0) layers.push(new Dropout(s.dropout));
  }
  layers.push(new Dense(outputs, { activation: loss === 'categoricalCrossentropy' ? 'softmax' : loss === 'binaryCrossentropy' ? 'sigmoid' : 'linear' }));
  const model = new Sequential({ inputSize: data.features, layers, seed: s.seed });
  model.compile({ loss, optimizer: createOptimizer(s.optimizer, { lr: s.lr })!, metrics: categorical ? ['accuracy'] : ['mae'] });
  if (data.scaler !== undefined) model.setPreprocessing(data.scaler);
  model.setColumns({ features: data.featureNames, target: s.table.target!, ...(classes && { classes }) });
  if (!json) io.stdout.write(`${model.summary()}\n`);

  const monitor = data.validation === undefined ? 'loss' : 'valLoss';
  const best = new EarlyStopping({ monitor, patience: s.patience ?? s.epochs + 1, restoreBestWeights: true });
  const paths = companions(s.out);
  const title = `blastrain train ${path.basename(s.source.path)}`;
  const curves = new SvgPlotter(inCwd(io, paths.curves), { title });
  const interrupted = onInterrupt(io, json, () => {
    model.stopTraining = true;
  });
  let history: History;
  try {
    history = await data.fit(model, {
      epochs: s.epochs, batchSize: s.batchSize, ...(data.validation && { validationData: data.validation }), verbose: json ? 0 : 1, verboseStream: io.stdout, callbacks: [best, curves],
    });
  } finally {
    interrupted.dispose();
  }
  const epochs = history.epoch.length;
  await model.save(inCwd(io, s.out));
  await writeJson(inCwd(io, paths.history), history);
  await writeText(inCwd(io, paths.curves), plotHistory(history, { title }));

  const result = {
    model: s.out, history: paths.history, curves: paths.curves, interrupted: interrupted.fired, epochs,
    stoppedEarly: best.stoppedEpoch > 0, bestEpoch: epochs > 0 ? best.bestEpoch + 1 : undefined, monitor,
    best: epochs > 0 ? best.best : undefined, loss, classes, rows: data.rows, validationRows: data.validationRows,
    seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
  };
  if (json) io.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    io.stdout.write(
      (interrupted.fired ? 'Interrupted. ' : best.stoppedEpoch > 0 ? `Stopped early after epoch ${epochs}. ` : '') +
        (epochs > 0 ? `Saved the weights of epoch ${result.bestEpoch} of ${epochs} (${monitor} ${best.best.toFixed(6)})` : 'No epoch completed; saved the initial weights') +
        ` to ${s.out}\nHistory: ${paths.history}\nCurves: ${paths.curves}\n`,
    );
  }
  return interrupted.fired ? 130 : 0;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeText(file, `${JSON.stringify(value, null, 1)}\n`);
}

/** Ctrl-C while training: the first asks fit to stop, the second exits at once. */
function onInterrupt(io: Io, json: boolean, stop: () => void): { readonly fired: boolean; dispose(): void } {
  const state = { fired: false, dispose: () => process.off('SIGINT', handler) };
  function handler(): void {
    if (state.fired) {
      io.stderr.write('\nInterrupted again: quitting without saving\n');
      process.exit(130);
    }
    state.fired = true;
    stop();
    if (!json) io.stderr.write('\nStopping after the running batch and saving the best model so far (Ctrl-C again to quit without saving)…\n');
  }
  process.on('SIGINT', handler);
  return state;
}
