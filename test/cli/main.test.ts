// The CLI's main() called in the test process (where mutation testing sees lib/): the exact
// texts a user reads, every train option taking effect in the model it writes, each error kind's
// exit code, Ctrl-C (the SIGINT event) and bench's three outcomes. The other files in test/cli/
// run the same commands through the built executable.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Dense, MinMaxScaler, SGD, Sequential, getNumThreads, setNumThreads } from '../../lib/index';
import { helpText } from '../../lib/cli/args';
import { bench, BENCH } from '../../lib/cli/bench';
import { EVAL } from '../../lib/cli/eval';
import { INFO } from '../../lib/cli/info';
import { main } from '../../lib/cli/main';
import { PLOT } from '../../lib/cli/plot';
import { PREDICT } from '../../lib/cli/predict';
import { TRAIN } from '../../lib/cli/train';
import { heldOut } from '../../lib/data/dataset';
import { expectClose } from '../helpers';
import { Captured, inProcess, tempDir, writeBlobs } from './run';

const dir = tempDir();
const data = writeBlobs(dir, 300);
const FEATURES = 'x1,x2,x3,x4';
const run = (...args: string[]) => inProcess(args, dir);
const json = <T = Record<string, unknown>>(text: string): T => JSON.parse(text) as T;
const threads = getNumThreads();
afterEach(() => setNumThreads('auto'));
// A thread count that is neither the default nor 1, so that --threads visibly takes effect.
const otherThreads = threads > 2 ? threads - 1 : threads + 1;

const OVERVIEW = [
  'Usage: blastrain <command> [options]',
  '',
  'Train neural networks in Node.js at native speed (OpenBLAS).',
  '',
  'Commands:',
  ...[TRAIN, EVAL, PREDICT, INFO, PLOT, BENCH].map((spec) => `  ${spec.name.padEnd(9)}${spec.summary}`),
  '',
  "Run 'blastrain <command> --help' for a command's options.",
  '',
].join('\n');

describe('main: commands, help, errors', () => {
  test('the overview: on stderr with exit code 2 without a command, on stdout for help, --help and -h', async () => {
    expect(await run()).toEqual({ code: 2, signal: null, stdout: '', stderr: OVERVIEW });
    for (const ask of ['help', '--help', '-h']) expect(await run(ask)).toEqual({ code: 0, signal: null, stdout: OVERVIEW, stderr: '' });
    expect((await run('help', 'plot')).stdout).toBe(helpText(PLOT));
    expect((await run('plot', '--help')).stdout).toBe(helpText(PLOT));
    expect((await run('help', 'nothing')).stdout).toBe(OVERVIEW);
  });

  test('--version and -v print the package version; an unknown command is named above the overview', async () => {
    const { version } = json<{ version: string }>(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    for (const ask of ['--version', '-v']) expect(await run(ask)).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await run('fit')).toMatchObject({ code: 2, stdout: '', stderr: `blastrain: unknown command 'fit'\n\n${OVERVIEW}` });
  });

  test('a usage error says how to get help (2); a bad file is 2 without that line; a failed training is 1', async () => {
    writeFileSync(path.join(dir, 'w.json'), JSON.stringify({ epoch: [0], loss: [1] }));
    expect(await run('plot', 'w.json', '--width', 'wide')).toMatchObject({
      code: 2, stdout: '', stderr: "blastrain plot: Expected an integer from 200 to 10000 for --width but received 'wide'\nRun 'blastrain plot --help' for its options.\n",
    });
    const missing = await run('info', 'missing.safetensors');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^blastrain info: Cannot read missing\.safetensors: [^\n]*ENOENT[^\n]*\n$/);
    const nan = await run('train', data.csv, '--target', 'size', '--features', FEATURES, '--optimizer', 'sgd', '--lr', '1e9', '--epochs', '3', '-o', 'nan.safetensors', '--json');
    expect(nan.code).toBe(1);
    // The failing batch is named by its place in the epoch (1-based), the same on every run.
    expect(nan.stderr).toMatch(/^Read 300 rows[^\n]*\nblastrain train: The gradient overflowed float32 \(the loss was [^)]+\) at epoch 1, batch 2; training stopped before applying that batch\. [^\n]*\n$/);
  });
});

describe('train: every option reaches the model it writes', () => {
  test('layers, activation, dropout, optimizer, lr, batch size, validation split, min-max scaling, seed and threads', async () => {
    const args = ['train', data.csv, '--target', 'kind', '--features', FEATURES, '--layers', '5,3', '--activation', 'tanh', '--dropout', '0.25', '--optimizer', 'sgd',
      '--lr', '0.05', '--epochs', '2', '--batch-size', '16', '--val-split', '0.2', '--normalize', 'minmax', '--seed', '7', '--threads', String(otherThreads), '--json'];
    const before = performance.now();
    const result = await run(...args, '-o', 'opts.safetensors');
    const elapsed = (performance.now() - before) / 1000;
    expect(result.code).toBe(0);
    expect(getNumThreads()).toBe(otherThreads);
    // The run's own time, in seconds (0.001 s of rounding).
    const { seconds } = json<{ seconds: number }>(result.stdout);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(elapsed + 0.001);
    const held = Array.from({ length: 300 }, (_, i) => heldOut(7, i, 0.2)).filter(Boolean).length;
    expect(json(result.stdout)).toMatchObject({ epochs: 2, rows: 300 - held, validationRows: held, monitor: 'valLoss', loss: 'categoricalCrossentropy', stoppedEarly: false });
    const model = await Sequential.load(path.join(dir, 'opts.safetensors'));
    const record = model.toJSON();
    expect(record.architecture.seed).toBe(7);
    expect(record.architecture.layers).toEqual([
      { type: 'dense', units: 5, activation: 'tanh', leakyReluAlpha: 0.01 }, { type: 'dropout', rate: 0.25 },
      { type: 'dense', units: 3, activation: 'tanh', leakyReluAlpha: 0.01 }, { type: 'dropout', rate: 0.25 },
      { type: 'dense', units: 3, activation: 'softmax', leakyReluAlpha: 0.01 },
    ]);
    expect(record.optimizer).toMatchObject({ type: 'sgd', options: { lr: 0.05 } });
    expect(record.preprocessing?.type).toBe('minMax');
    // 300 − held rows in batches of 16, two epochs: the step count is the optimizer's.
    const again = await run(...args, '-o', 'again.safetensors');
    expect(json(again.stdout)).toMatchObject({ epochs: 2 });
    expect((await Sequential.load(path.join(dir, 'again.safetensors'))).params).toEqual(model.params);
    await run(...args.map((a) => (a === '7' ? '8' : a)), '-o', 'other.safetensors');
    expect((await Sequential.load(path.join(dir, 'other.safetensors'))).params).not.toEqual(model.params);
    await run(...args.map((a) => (a === '16' ? '64' : a)), '-o', 'batch64.safetensors');
    expect((await Sequential.load(path.join(dir, 'batch64.safetensors'))).params).not.toEqual(model.params);
  });

  test('the bounds of --activation (no softmax inside), --dropout and --seed', async () => {
    const train = (...args: string[]) => run('train', data.csv, '--target', 'kind', '--features', FEATURES, '--layers', '4', '--epochs', '1', '-o', 'bounds.safetensors', ...args);
    const usage = (message: string) => ({ code: 2, stdout: '', stderr: `blastrain train: ${message}\nRun 'blastrain train --help' for its options.\n` });
    expect(await train('--activation', 'softmax')).toEqual({
      signal: null, ...usage("Expected one of linear, relu, leakyRelu, sigmoid, tanh for --activation but received 'softmax'") });
    expect(await train('--dropout', '1')).toEqual({ signal: null, ...usage("Expected a number ≥ 0 and < 1 for --dropout but received '1'") });
    expect(await train('--seed', String(2 ** 31))).toEqual({ signal: null, ...usage("Expected an integer from 0 to 2147483647 for --seed but received '2147483648'") });
    expect((await train('--seed', String(2 ** 31 - 1), '--json')).code).toBe(0);
    expect((await Sequential.load(path.join(dir, 'bounds.safetensors'))).toJSON().architecture.seed).toBe(2 ** 31 - 1);
  });

  test('defaults: two relu layers of 128 and 64, adam at 1e-3, standard scaling, no dropout, seed 42', async () => {
    const result = await run('train', data.csv, '--target', 'kind', '--features', FEATURES, '--epochs', '1', '-o', 'defaults.safetensors', '--json');
    expect(result.code).toBe(0);
    const record = (await Sequential.load(path.join(dir, 'defaults.safetensors'))).toJSON();
    expect(record.architecture.layers.map((l) => ('units' in l ? `${l.units} ${l.activation}` : l.type))).toEqual(['128 relu', '64 relu', '3 softmax']);
    expect(record.architecture.seed).toBe(42);
    expect(record.optimizer).toMatchObject({ type: 'adam', options: { lr: 0.001 } });
    expect(record.preprocessing?.type).toBe('standard');
    expect(json(result.stdout)).toMatchObject({ validationRows: Array.from({ length: 300 }, (_, i) => heldOut(42, i, 0.1)).filter(Boolean).length });
  });

  test("--layers none, --normalize none, --val-split 0 (the training loss picks the epoch) and the human summary's exact lines", async () => {
    const result = await run('train', data.csv, '--target', 'size', '--features', FEATURES, '--layers', 'none', '--normalize', 'none', '--val-split', '0',
      '--epochs', '3', '--lr', '0.01', '-o', 'plain.model');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Read 300 rows × 4 features from blobs\.csv in \d+\.\d s; target 'size': numbers → mse\n/);
    expect(result.stdout).toMatch(/\nSaved the weights of epoch \d of 3 \(loss \d+\.\d{6}\) to plain\.model\nHistory: plain\.model\.history\.json\nCurves: plain\.model\.curves\.svg\n$/);
    const model = await Sequential.load(path.join(dir, 'plain.model'));
    expect(model.toJSON().architecture.layers).toEqual([{ type: 'dense', units: 1, activation: 'linear', leakyReluAlpha: 0.01 }]);
    expect(model.preprocessing).toBeUndefined();
    expect(existsSync(path.join(dir, 'plain.model.history.json')) && existsSync(path.join(dir, 'plain.model.curves.svg'))).toBe(true);
    const history = json<{ epoch: number[]; loss: number[]; valLoss?: number[] }>(readFileSync(path.join(dir, 'plain.model.history.json'), 'utf8'));
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(history.valLoss).toBeUndefined();
  });

  test('--early-stopping: no better epoch for PATIENCE epochs stops, and the summary says so', async () => {
    // A learning rate too small to move float32 weights: every epoch's loss is the first's.
    const result = await run('train', data.csv, '--target', 'size', '--features', FEATURES, '--optimizer', 'sgd', '--lr', '1e-30', '--epochs', '20',
      '--early-stopping', '2', '-o', 'early.safetensors');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\nStopped early after epoch 3\. Saved the weights of epoch 1 of 3 \(valLoss \d+\.\d{6}\) to early\.safetensors\n/);
  });

  test('--stream without scaling reads the file every epoch and holds out the same rows', async () => {
    const args = ['train', data.jsonl, '--target', 'kind', '--features', FEATURES, '--normalize', 'none', '--epochs', '1', '--json'];
    const streamed = json((await run(...args, '--stream', '-o', 's1.safetensors')).stdout);
    const inMemory = json((await run(...args, '-o', 's2.safetensors')).stdout);
    expect(streamed).toMatchObject({ rows: inMemory.rows, validationRows: inMemory.validationRows, classes: ['bird', 'cat', 'dog'] });
    expect((await Sequential.load(path.join(dir, 's1.safetensors'))).preprocessing).toBeUndefined();
  });

  test('--stream trains on the rows, labels and scaling the in-memory run does (one batch of them all: the same weights), in an order of its own', async () => {
    const twoClasses = path.join(dir, 'two-kinds.csv');
    writeFileSync(twoClasses, readFileSync(data.csv, 'utf8').split('\n').filter((line) => !line.includes(',bird,')).join('\n'));
    for (const [file, target, loss] of [[data.csv, 'kind', 'auto'], [twoClasses, 'kind', 'binaryCrossentropy'], [data.jsonl, 'size', 'auto']] as const) {
      const common = [file, '--target', target, '--features', FEATURES, '--loss', loss, '--layers', '5', '--optimizer', 'sgd', '--lr', '0.1', '--epochs', '2', '--val-split', '0.2', '--json'];
      const trained = async (...args: string[]) => {
        const result = await run('train', ...common, ...args, '-o', 'order.safetensors');
        expect(result.code).toBe(0);
        return { report: json(result.stdout), model: await Sequential.load(path.join(dir, 'order.safetensors')) };
      };
      const [memory, streamed] = [await trained('--batch-size', '1000'), await trained('--batch-size', '1000', '--stream')];
      expect(streamed.report).toEqual({ ...memory.report, seconds: streamed.report.seconds, best: streamed.report.best });
      expect(streamed.report.best).toBeCloseTo(memory.report.best as number, 6);
      expect(streamed.model.columns).toEqual(memory.model.columns);
      // Each step's gradient is the mean over the same rows, summed in another order: float32
      // round-off (~1e-7 relative per step) apart.
      expectClose(streamed.model.params, memory.model.params, 1e-5, 1e-6);
      const [memoryBatches, streamedBatches] = [await trained('--batch-size', '16'), await trained('--batch-size', '16', '--stream')];
      expect(streamedBatches.model.params).not.toEqual(memoryBatches.model.params);
    }
  });

  test('the human summary with a held-out split and classes: rows, split, target, the run time, then the model table', async () => {
    const before = performance.now();
    const result = await run('train', data.csv, '--target', 'kind', '--features', FEATURES, '--layers', '6', '--epochs', '1', '-o', 'human.safetensors');
    const elapsed = (performance.now() - before) / 1000;
    expect(result.code).toBe(0);
    const read = /^Read 300 rows × 4 features from blobs\.csv in (\d+\.\d) s \((\d+) held out for validation\); target 'kind': 3 classes → categoricalCrossentropy\n/.exec(result.stdout);
    expect(read).not.toBeNull();
    expect(Number(read![2])).toBe(Array.from({ length: 300 }, (_, i) => heldOut(42, i, 0.1)).filter(Boolean).length);
    expect(Number(read![1])).toBeLessThanOrEqual(elapsed + 0.05);
    const model = await Sequential.load(path.join(dir, 'human.safetensors'));
    expect(result.stdout.slice(read![0].length).startsWith(`${model.summary()}\n`)).toBe(true);
    expect(readFileSync(path.join(dir, 'human.curves.svg'), 'utf8')).toContain('blastrain train blobs.csv');
  });

  test('the saved weights are the best epoch\'s when later epochs are worse, and without --early-stopping every epoch runs', async () => {
    // The held-out rows (the split's seeded hash) have the opposite target of the rows trained
    // on, so every epoch that fits the training rows better is worse on validation: the best
    // epoch is the first, and the last is the worst.
    const rows = Array.from({ length: 200 }, (_, i) => {
      const [a, b] = [Math.sin(i * 1.7), Math.cos(i * 0.9)];
      const t = 20 * a - 10 * b;
      return [a, b, heldOut(42, i, 0.3) ? -t : t];
    });
    writeFileSync(path.join(dir, 'inverted.csv'), ['a,b,t', ...rows.map((r) => r.join(','))].join('\n'));
    const result = await run('train', 'inverted.csv', '--target', 't', '--layers', 'none', '--normalize', 'none', '--val-split', '0.3', '--optimizer', 'sgd',
      '--lr', '0.05', '--epochs', '6', '--json', '-o', 'inverted.safetensors');
    const history = json<{ valLoss: number[] }>(readFileSync(path.join(dir, 'inverted.history.json'), 'utf8'));
    expect(history.valLoss.every((v, i) => i === 0 || v > history.valLoss[i - 1]!)).toBe(true);
    expect(json(result.stdout)).toMatchObject({ epochs: 6, stoppedEarly: false, bestEpoch: 1, best: history.valLoss[0] });
    const held = rows.filter((_, i) => heldOut(42, i, 0.3));
    const model = await Sequential.load(path.join(dir, 'inverted.safetensors'));
    const { loss } = model.evaluate(Float32Array.from(held.flatMap((r) => r.slice(0, 2))), Float32Array.from(held.map((r) => r[2]!)));
    // The same float32 evaluation of the same rows as fit's validation pass.
    expect(Math.abs(loss - history.valLoss[0]!)).toBeLessThanOrEqual(1e-6 * history.valLoss[0]!);
  });

  test('a text value in a feature column gets a hint; one in the target (told mse), a missing column or a single class does not', async () => {
    const fails = (stderr: string) => ({ code: 2, signal: null, stdout: '', stderr: `blastrain train: ${stderr}\n` });
    expect(await run('train', 'blobs.csv', '--target', 'size')).toEqual(fails(
      `Expected a finite number but found "dog" in blobs.csv line 2 column 'kind': train reads feature columns as numbers; leave 'kind' out by listing the others with --features, or encode it as numbers first`));
    expect(await run('train', 'blobs.csv', '--target', 'kind', '--features', FEATURES, '--loss', 'mse')).toEqual(fails(
      `Expected a finite number but found "dog" in blobs.csv line 2 column 'kind'`));
    expect(await run('train', 'blobs.csv', '--target', 'kind', '--features', 'x1,colour')).toEqual(fails(
      `Expected a column "colour" but the row has 6 ("x1", "x2", "x3", "x4", "kind", "size") in blobs.csv line 2 column 'colour'`));
    writeFileSync(path.join(dir, 'one-class.csv'), `a,t\n${Array.from({ length: 20 }, (_, i) => `${i},yes`).join('\n')}\n`);
    expect(await run('train', 'one-class.csv', '--target', 't')).toEqual(
      fails("Expected at least two classes in target 't' but found only 'yes'\nRun 'blastrain train --help' for its options."));
  });

  test('Ctrl-C (a SIGINT event) stops after the running batch, saves the best epoch so far and returns 130', async () => {
    const big = writeBlobs(tempDir(), 3000, 4).csv;
    const listeners = process.listenerCount('SIGINT');
    const running = inProcess(['train', big, '--target', 'kind', '--features', FEATURES, '--layers', '64', '--batch-size', '8', '--epochs', '500', '-o', 'stopped.safetensors'], dir);
    const historyFile = path.join(dir, 'stopped.history.json');
    // The curves file is rewritten after every epoch: once it exists, an epoch has finished.
    const curves = path.join(dir, 'stopped.curves.svg');
    while (!existsSync(curves)) await new Promise((resolve) => setTimeout(resolve, 20));
    process.emit('SIGINT');
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.stderr).toBe('\nStopping after the running batch and saving the best model so far (Ctrl-C again to quit without saving)…\n');
    expect(result.stdout).toMatch(/\nInterrupted\. Saved the weights of epoch \d+ of \d+ \(valLoss \d+\.\d{6}\) to stopped\.safetensors\n/);
    const epochs = json<{ epoch: number[] }>(readFileSync(historyFile, 'utf8')).epoch.length;
    expect(epochs).toBeGreaterThan(0);
    expect(epochs).toBeLessThan(500);
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });

  test('input options: a .tsv is tab-separated, --delimiter, --format for another extension, --no-header with column indices', async () => {
    const rows = readFileSync(data.csv, 'utf8').trim().split('\n');
    writeFileSync(path.join(dir, 'blobs.tsv'), rows.map((r) => r.replaceAll(',', '\t')).join('\n'));
    writeFileSync(path.join(dir, 'blobs.semi'), rows.map((r) => r.replaceAll(',', ';')).join('\n'));
    writeFileSync(path.join(dir, 'noheader.csv'), rows.slice(1).join('\n'));
    writeFileSync(path.join(dir, 'lines.txt'), readFileSync(data.jsonl));
    const common = ['--epochs', '1', '--json', '-o', 'io.safetensors'];
    for (const args of [['blobs.tsv', '--target', 'kind', '--features', FEATURES], ['blobs.semi', '--delimiter', ';', '--target', 'kind', '--features', FEATURES],
      ['lines.txt', '--format', 'jsonl', '--target', 'kind', '--features', FEATURES],
      ['noheader.csv', '--no-header', '--target', '4', '--features', '0,1,2,3']]) {
      const result = await run('train', ...args, ...common);
      expect(result.stderr).toMatch(/Read 300 rows × 4 features/);
      expect(json(result.stdout)).toMatchObject({ classes: ['bird', 'cat', 'dog'] });
    }
    expect(await run('train', 'noheader.csv', '--no-header', '--target', 'kind')).toMatchObject({
      code: 2, stderr: "blastrain train: Expected a 0-based column index (the CSV has no header) but received 'kind'\nRun 'blastrain train --help' for its options.\n" });
    expect((await run('train', 'blobs.semi', '--delimiter', '', '--target', 'kind')).stderr).toMatch(/^blastrain train: Expected a non-empty --delimiter\n/);
    expect((await run('train', 'blobs.tsv', '--format', 'xml', '--target', 'kind')).stderr).toMatch(/^blastrain train: Expected one of csv, jsonl for --format but received 'xml'\n/);
  });

  test('the target sniff: text or up to 20 whole numbers are classes (sorted numerically), more or fractional values are numbers', async () => {
    const table = (name: string, values: (i: number) => string | number) => {
      writeFileSync(path.join(dir, name), ['a,b,t', ...Array.from({ length: 200 }, (_, i) => `${Math.sin(i)},${Math.cos(i)},${values(i)}`)].join('\n'));
      return name;
    };
    const classesOf = async (file: string) => json<{ classes?: string[]; loss: string }>((await run('train', file, '--target', 't', '--epochs', '1', '--json', '-o', 'sniff.safetensors')).stdout);
    expect(await classesOf(table('twenty.csv', (i) => (i * 7) % 20))).toMatchObject({ loss: 'categoricalCrossentropy', classes: Array.from({ length: 20 }, (_, i) => String(i)) });
    expect(await classesOf(table('twentyone.csv', (i) => i % 21))).toMatchObject({ loss: 'mse' });
    expect(await classesOf(table('halves.csv', (i) => (i % 4) / 2))).toMatchObject({ loss: 'mse' });
    expect(await classesOf(table('words.csv', (i) => ['b', 'a', 'c'][i % 3]!))).toMatchObject({ classes: ['a', 'b', 'c'] });
    expect(await classesOf(table('signed.csv', (i) => [10, -2, 3][i % 3]!))).toMatchObject({ classes: ['-2', '3', '10'] });
    writeFileSync(path.join(dir, 'empty.csv'), 'a,b,t\n');
    expect((await run('train', 'empty.csv', '--target', 't')).stderr).toMatch(/^blastrain train: Expected rows to train on in empty\.csv but found none\n/);
    writeFileSync(path.join(dir, 'one.csv'), 'a,t\n1,2\n');
    const seed = Array.from({ length: 100 }, (_, s) => s).find((s) => heldOut(s, 0, 0.5))!;
    expect((await run('train', 'one.csv', '--target', 't', '--val-split', '0.5', '--seed', String(seed))).stderr).toMatch(
      /^blastrain train: Expected rows to train on in one\.csv but found only held-out rows\n/);
    expect((await run('train', 'one.csv', '--target', 't', '--val-split', '0.5', '--seed', String(seed), '--stream')).stderr).toMatch(
      /^blastrain train: Expected rows to train on in one\.csv but found only held-out rows\n/);
    // A malformed first row is reported as such, scaled or not.
    writeFileSync(path.join(dir, 'badfirst.csv'), 'a,t\nx,2\n1,3\n');
    for (const normalize of ['standard', 'none']) {
      expect((await run('train', 'badfirst.csv', '--target', 't', '--loss', 'mse', '--stream', '--val-split', '0', '--normalize', normalize)).stderr).toMatch(
        /^blastrain train: Expected a finite number but found "x" in badfirst\.csv line 2 column 'a'/);
    }
  });
});

describe('eval, predict, info, plot on models from code and from train', () => {
  const codeModel = (outputs: number, loss: 'mse' | 'categoricalCrossentropy' | 'binaryCrossentropy', file: string, save: { optimizer?: boolean } = {}) => {
    const model = new Sequential({ inputSize: 4, seed: 1, layers: [new Dense(outputs, { activation: loss === 'mse' ? 'linear' : loss === 'binaryCrossentropy' ? 'sigmoid' : 'softmax' })] });
    model.compile({ loss, optimizer: new SGD({ lr: 0.01 }) });
    return model.save(path.join(dir, file), save).then(() => model);
  };

  test('eval prints each value with its precision, the row count and the target; a model saved uncompiled is refused', async () => {
    await run('train', data.csv, '--target', 'kind', '--features', FEATURES, '--epochs', '2', '-o', 'ev.safetensors', '--json');
    expect((await run('eval', 'ev.safetensors', data.csv)).stdout).toMatch(/^loss \d+\.\d{6} - accuracy \d\.\d{4} \(300 rows of kind\)\n$/);
    expect((await run('eval', 'ev.safetensors', data.csv, '--batch-size', '7', '--json')).stdout).toMatch(/^\{"loss":[\d.]+,"accuracy":[\d.]+,"rows":300\}\n$/);
    await codeModel(1, 'mse', 'reg.safetensors');
    expect((await run('eval', 'reg.safetensors', data.csv, '--target', 'size', '--features', FEATURES)).stdout).toMatch(/^loss \d+\.\d{6} \(300 rows of size\)\n$/);
    const bare = new Sequential({ inputSize: 4, layers: [new Dense(1)] });
    await bare.save(path.join(dir, 'bare.safetensors'));
    expect(await run('eval', 'bare.safetensors', data.csv, '--target', 'size')).toMatchObject({
      code: 2, stderr: "blastrain eval: bare.safetensors was saved without a loss (compile the model before saving it): eval needs one\nRun 'blastrain eval --help' for its options.\n" });
  });

  test('predict names its columns by the model: classes 0…K−1 or 0/1 for a model from code, output_k for several regression outputs', async () => {
    await codeModel(3, 'categoricalCrossentropy', 'three.safetensors');
    const three = (await run('predict', 'three.safetensors', data.csv, '--features', FEATURES)).stdout.split('\n');
    expect(three[0]).toBe('predicted,prob_0,prob_1,prob_2');
    for (const line of three.slice(1, -1)) {
      const [predicted, ...p] = line.split(',').map(Number);
      expect(predicted).toBe(p.indexOf(Math.max(...p)));
    }
    expect(three).toHaveLength(302);
    await codeModel(1, 'binaryCrossentropy', 'binary.safetensors');
    const lines = (await run('predict', 'binary.safetensors', data.csv, '--features', FEATURES)).stdout.split('\n');
    expect(lines[0]).toBe('predicted,prob_1');
    for (const line of lines.slice(1, -1)) {
      const [predicted, probability] = line.split(',');
      expect(predicted).toBe(Number(probability) > 0.5 ? '1' : '0');
    }
    expect(new Set(lines.slice(1, -1).map((l) => l.split(',')[0]))).toEqual(new Set(['0', '1']));
    const regressor = await codeModel(2, 'mse', 'two.safetensors');
    const two = (await run('predict', 'two.safetensors', data.csv, '--features', FEATURES, '--out-format', 'jsonl')).stdout.trim().split('\n');
    expect(Object.keys(json(two[0]!))).toEqual(['output_0', 'output_1']);
    // Each row's outputs, to 7 significant digits, in row order.
    const rows = readFileSync(data.csv, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').slice(0, 4).map(Number));
    const expected = regressor.predict(Float32Array.from(rows.flat()));
    two.forEach((line, r) => {
      const values = json<{ output_0: number; output_1: number }>(line);
      expect([values.output_0, values.output_1]).toEqual([Number(expected[2 * r]!.toPrecision(7)), Number(expected[2 * r + 1]!.toPrecision(7))]);
    });
    // Equal probabilities (all weights zero) predict the first class, as argmax does.
    const flat = await codeModel(3, 'categoricalCrossentropy', 'flat.safetensors');
    flat.params.fill(0);
    await flat.save(path.join(dir, 'flat.safetensors'));
    const ties = (await run('predict', 'flat.safetensors', data.csv, '--features', FEATURES)).stdout.trim().split('\n').slice(1);
    expect(new Set(ties)).toEqual(new Set([`0,${Number((1 / 3).toPrecision(7))},${Number((1 / 3).toPrecision(7))},${Number((1 / 3).toPrecision(7))}`]));
    await codeModel(1, 'mse', 'one.safetensors');
    expect((await run('predict', 'one.safetensors', data.csv, '--features', FEATURES)).stdout.split('\n')[0]).toBe('output');
  });

  test('predict to a file: the format follows the extension (.jsonl, .ndjson in any case, else CSV) and the count is reported', async () => {
    await codeModel(1, 'mse', 'p.safetensors');
    for (const [file, format] of [['p.JSONL', 'jsonl'], ['p.ndjson', 'jsonl'], ['p.txt', 'csv'], ['p.jsonl.csv', 'csv']] as const) {
      const result = await run('predict', 'p.safetensors', data.csv, '--features', FEATURES, '-o', file);
      expect(result).toMatchObject({ code: 0, stdout: '', stderr: `Wrote 300 predictions to ${file}\n` });
      const first = readFileSync(path.join(dir, file), 'utf8').split('\n')[0]!;
      expect(first.startsWith('{')).toBe(format === 'jsonl');
    }
    expect((await run('predict', 'p.safetensors', data.csv, '--features', FEATURES, '--json')).stdout.split('\n')[0]).toMatch(/^\{"output":/);
  });

  test('info: the exact description of a model with saved optimizer state, min-max scaling and more than eight features and classes', async () => {
    const model = new Sequential({ inputSize: 12, layers: [new Dense(10, { activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1 }) });
    const x = Float32Array.from({ length: 12 * 20 }, (_, i) => Math.sin(i));
    model.setPreprocessing(await new MinMaxScaler().fit(x, { features: 12 }));
    model.setColumns({ features: Array.from({ length: 12 }, (_, i) => `f${i}`), target: 'digit', classes: Array.from({ length: 10 }, (_, i) => `c${i}`) });
    await model.fit(x, Int32Array.from({ length: 20 }, (_, i) => i % 10), { epochs: 1, batchSize: 10 });
    await model.save(path.join(dir, 'wide.safetensors'), { optimizer: true });
    const text = (await run('info', 'wide.safetensors')).stdout;
    expect(text).toMatch(/\nFile: wide\.safetensors \(\d+\.\d KiB\), blastrain format version \d+\n/);
    expect(text).toContain('\nOptimizer state: saved, after 2 steps (training can resume exactly)\n');
    expect(text).toContain('\nInput scaling: min-max to [0, 1], saved with the model\n');
    expect(text).toContain('\nFeatures: f0, f1, f2, f3, …, f10, f11 (12)\nTarget: digit, classes c0, c1, c2, c3, …, c8, c9 (10)\n');
    expect(text).toMatch(/\nPyTorch: [^\n]+\n$/);
    const facts = json((await run('info', 'wide.safetensors', '--json')).stdout);
    expect(facts).toMatchObject({ file: 'wide.safetensors', optimizerStateSaved: true, optimizerStep: 2, preprocessing: 'minMax', inputSize: 12, outputSize: 10, parameters: 130 });
    await codeModel(1, 'mse', 'small.safetensors');
    const small = (await run('info', 'small.safetensors')).stdout;
    expect(small).toContain('\nOptimizer state: not saved\nInput scaling: none\nPyTorch: ');
    expect(small).not.toContain('Features:');
    const smallFacts = json((await run('info', 'small.safetensors', '--json')).stdout);
    expect(smallFacts.optimizerStateSaved).toBe(false);
    expect(smallFacts).not.toHaveProperty('preprocessing');
    expect(smallFacts).not.toHaveProperty('columns');
    const big = new Sequential({ inputSize: 800, layers: [new Dense(400)] });
    await big.save(path.join(dir, 'big.safetensors'));
    expect((await run('info', 'big.safetensors')).stdout).toMatch(/\nFile: big\.safetensors \(1\.\d\d MiB\), /);
    const eightFeatures = new Sequential({ inputSize: 8, layers: [new Dense(1)] });
    eightFeatures.setColumns({ features: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] });
    await eightFeatures.save(path.join(dir, 'eight.safetensors'));
    const eight = (await run('info', 'eight.safetensors')).stdout;
    expect(eight).toContain('\nFeatures: a, b, c, d, e, f, g, h\nPyTorch: ');
  });

  test('plot: the SVG goes beside the history by default (.json → .svg, else + .svg); --json names it; unreadable files are named', async () => {
    writeFileSync(path.join(dir, 'h.json'), JSON.stringify({ epoch: [0, 1, 2], loss: [1, 0.5, 0.25], valLoss: [1.1, 0.7, 0.6] }));
    writeFileSync(path.join(dir, 'hist'), JSON.stringify({ epoch: [0, 1], loss: [1, 0.5] }));
    expect(await run('plot', 'h.json')).toMatchObject({ code: 0, stdout: 'Wrote h.svg\n' });
    expect(readFileSync(path.join(dir, 'h.svg'), 'utf8')).toContain('<svg ');
    expect(await run('plot', 'hist', '--json')).toMatchObject({ code: 0, stdout: '{"svg":"hist.svg"}\n' });
    expect(existsSync(path.join(dir, 'hist.svg'))).toBe(true);
    await run('plot', 'h.json', '-o', 'titled.svg', '--title', 'Run 7', '--width', '400', '--metrics', 'loss', '--log');
    const svg = readFileSync(path.join(dir, 'titled.svg'), 'utf8');
    expect(svg).toContain('>Run 7<');
    expect(svg).toMatch(/<svg [^>]*width="400"/);
    const untitled = readFileSync(path.join(dir, 'h.svg'), 'utf8');
    expect(untitled).not.toContain('Run 7');
    mkdirSync(path.join(dir, 'adir.json'), { recursive: true });
    const unreadable = await run('plot', 'adir.json');
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/^blastrain plot: Cannot read adir\.json: [^\n]*EISDIR[^\n]*\n$/);
  });
});

describe('bench', () => {
  const checkout = (withScript: boolean, withPeers: boolean) => {
    const root = tempDir();
    if (withScript) {
      mkdirSync(path.join(root, 'bench'));
      // A stand-in benchmark: records how it was started and exits with code 3.
      writeFileSync(path.join(root, 'bench', 'run.mjs'), `import { writeFileSync } from 'node:fs';
writeFileSync('started.json', JSON.stringify({ args: process.argv.slice(2), execArgv: process.execArgv, cwd: process.cwd() }));
process.exit(3);
`);
    }
    if (withPeers) mkdirSync(path.join(root, 'bench', 'node_modules'));
    return root;
  };
  const parsed = (values: Record<string, string | boolean>) => ({ values, positionals: [] });

  test('outside a checkout it says the benchmark is not in the package; without peers it says how to install them', async () => {
    const outside = await inProcessBench(parsed({}), checkout(false, false));
    expect(outside).toEqual({ code: 1, stdout: '', stderr: 'The benchmark is not part of the npm package (its peers, TensorFlow.js and brain.js, are not blastrain dependencies).\nTo run it: git clone the blastrain repository, then in it: npm ci && npm run bench\n' });
    const root = checkout(true, false);
    expect(await inProcessBench(parsed({}), root)).toEqual({
      code: 1, stdout: '', stderr: `The benchmark's peers are not installed: run npm ci --prefix ${path.join(root, 'bench')} (or npm run bench, which installs them), then blastrain bench again\n` });
  });

  test('in a checkout it runs bench/run.mjs there with --expose-gc and the chosen options, and returns its exit code', async () => {
    const root = checkout(true, true);
    const result = await inProcessBench(parsed({ quick: true, inference: true, configs: 'tiny,small', systems: 'blastrain' }), root);
    expect(result.code).toBe(3);
    const started = json<{ args: string[]; execArgv: string[]; cwd: string }>(readFileSync(path.join(root, 'started.json'), 'utf8'));
    expect(started).toEqual({ args: ['--quick', '--inference', '--configs=tiny,small', '--systems=blastrain'], execArgv: ['--expose-gc'], cwd: root });
    await inProcessBench(parsed({ quick: false }), root);
    expect(json<{ args: string[] }>(readFileSync(path.join(root, 'started.json'), 'utf8')).args).toEqual([]);
  });

  async function inProcessBench(values: ReturnType<typeof parsed>, root: string) {
    const [stdout, stderr] = [new Captured(), new Captured()];
    const code = await bench(values, { stdout, stderr }, root);
    return { code, stdout: stdout.text, stderr: stderr.text };
  }
});

test('main without io.cwd opens paths as given (relative to the process)', async () => {
  const stdout = new Captured();
  writeFileSync(path.join(dir, 'abs.json'), JSON.stringify({ epoch: [0], loss: [1] }));
  expect(await main(['plot', path.join(dir, 'abs.json'), '--json'], { stdout, stderr: new Captured() })).toBe(0);
  expect(json<{ svg: string }>(stdout.text).svg).toBe(path.join(dir, 'abs.svg'));
  expect(existsSync(path.join(dir, 'abs.svg'))).toBe(true);
});
