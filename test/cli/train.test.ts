// `blastrain train` through the real executable: what it writes, what it picks, how it fails,
// and Ctrl-C (SIGINT) mid-training.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { Dataset, Sequential } from '../../lib/index';
import { cli, parseSvg, start, tempDir, testExecutable, writeBlobs } from './run';

const dir = tempDir();
let data: { csv: string; jsonl: string };

beforeAll(() => {
  data = writeBlobs(dir, 900);
});

describe('classes from a CSV', () => {
  let result: Record<string, unknown>;
  beforeAll(async () => {
    const run = await cli(['train', data.csv, '--target', 'kind', '--features', 'x1,x2,x3,x4', '--layers', '16', '--epochs', '8',
      '--batch-size', '32', '--lr', '0.01', '--out', 'blobs.safetensors', '--json'], dir);
    expect(run.stderr).toMatch(/^Read 900 rows × 4 features from .*blobs\.csv in [\d.]+ s \(\d+ held out for validation\); target 'kind': 3 classes → categoricalCrossentropy\n$/);
    expect(run.code).toBe(0);
    result = JSON.parse(run.stdout) as Record<string, unknown>;
  });

  test('--json reports the run and the files it wrote beside the model', () => {
    expect(result).toMatchObject({
      model: 'blobs.safetensors', history: 'blobs.history.json', curves: 'blobs.curves.svg', interrupted: false, epochs: 8,
      loss: 'categoricalCrossentropy', classes: ['bird', 'cat', 'dog'], monitor: 'valLoss',
    });
    expect((result.rows as number) + (result.validationRows as number)).toBe(900);
    for (const file of ['blobs.safetensors', 'blobs.history.json', 'blobs.curves.svg']) expect(existsSync(path.join(dir, file))).toBe(true);
  });

  test('the model file loads in the library with its columns, classes (sorted), scaler, loss and accuracy metric', async () => {
    const model = await Sequential.load(path.join(dir, 'blobs.safetensors'));
    expect(model.columns).toEqual({ features: ['x1', 'x2', 'x3', 'x4'], target: 'kind', classes: ['bird', 'cat', 'dog'] });
    expect(model.preprocessing?.type).toBe('standard');
    expect(model.loss).toBe('categoricalCrossentropy');
    expect(model.metricNames).toEqual(['accuracy']);
    expect(model.layers.map((l) => l.units)).toEqual([16, 3]);
    // It learned: the blobs are separable.
    const result = await model.evaluateAsync(Dataset.fromCsv(data.csv, { target: 'kind', features: ['x1', 'x2', 'x3', 'x4'], labels: ['bird', 'cat', 'dog'] }));
    expect(result.accuracy).toBeGreaterThan(0.95);
  });

  test('the saved weights are the best epoch\'s, as reported', async () => {
    const history = JSON.parse(readFileSync(path.join(dir, 'blobs.history.json'), 'utf8')) as Record<string, number[]>;
    expect(history.epoch).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const best = Math.min(...history.valLoss!);
    expect(result.best).toBe(best);
    expect(result.bestEpoch).toBe(history.valLoss!.indexOf(best) + 1);
  });

  test('the curves are a valid SVG with a loss and an accuracy panel, each with training and validation lines', () => {
    const svg = parseSvg(path.join(dir, 'blobs.curves.svg'));
    expect(svg.root).toBe('{http://www.w3.org/2000/svg}svg');
    expect(svg.panels).toEqual(['loss', 'accuracy']);
    expect(svg.paths).toBe(4);
    expect(svg.texts).toContain('validation');
    expect(readFileSync(path.join(dir, 'blobs.curves.svg'), 'utf8')).not.toContain('<script>'); // the live reload is gone once training ends
  });
});

test('numbers from JSON lines: mse, mae, the target named in predictions', async () => {
  const run = await cli(['train', data.jsonl, '--target', 'size', '--features', 'x1,x2,x3,x4', '--layers', '32', '--epochs', '30', '--lr', '0.01', '-o', 'size.safetensors'], dir);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("target 'size': numbers → mse");
  expect(run.stdout).not.toMatch(/[\r\x1b]/); // piped: plain lines, no bar
  expect(run.stdout).toMatch(/Epoch 30\/30 - [\d.]+s - [\d,]+ samples\/s - loss [\d.]+ - mae [\d.]+ - valLoss [\d.]+ - valMae [\d.]+\n/);
  expect(run.stdout).toMatch(/Saved the weights of epoch \d+ of 30 \(valLoss [\d.]+\) to size\.safetensors/);
  const model = await Sequential.load(path.join(dir, 'size.safetensors'));
  expect(model.loss).toBe('mse');
  expect(model.columns).toEqual({ features: ['x1', 'x2', 'x3', 'x4'], target: 'size' });
  const history = JSON.parse(readFileSync(path.join(dir, 'size.history.json'), 'utf8')) as Record<string, number[]>;
  expect(history.valMae!.at(-1)!).toBeLessThan(history.valMae![0]! / 3);
});

test('whole-number targets with few values are classes; --loss overrides the guess', async () => {
  const digits = path.join(dir, 'digits.csv');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(digits, `a,b,label\n${Array.from({ length: 120 }, (_, i) => `${i % 4},${(i * 7) % 5},${i % 4}`).join('\n')}\n`);
  const guessed = await cli(['train', digits, '--target', 'label', '--epochs', '1', '-o', 'd1.safetensors', '--json'], dir);
  expect(JSON.parse(guessed.stdout)).toMatchObject({ loss: 'categoricalCrossentropy', classes: ['0', '1', '2', '3'] });
  const told = await cli(['train', digits, '--target', 'label', '--epochs', '1', '--loss', 'mse', '-o', 'd2.safetensors', '--json'], dir);
  expect(JSON.parse(told.stdout)).toMatchObject({ loss: 'mse' });
  expect(JSON.parse(told.stdout).classes).toBeUndefined();
});

test('binaryCrossentropy: one sigmoid output for two classes', async () => {
  const two = path.join(dir, 'two.csv');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(two, `v,w,ok\n${Array.from({ length: 200 }, (_, i) => `${i / 200},${(i % 3) / 3},${i < 100 ? 'no' : 'yes'}`).join('\n')}\n`);
  const run = await cli(['train', two, '--target', 'ok', '--loss', 'binaryCrossentropy', '--epochs', '40', '--lr', '0.02', '--val-split', '0', '-o', 'two.safetensors', '--json'], dir);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ loss: 'binaryCrossentropy', classes: ['no', 'yes'], monitor: 'loss', validationRows: 0 });
  const model = await Sequential.load(path.join(dir, 'two.safetensors'));
  expect(model.outputSize).toBe(1);
  expect(model.columns!.classes).toEqual(['no', 'yes']);
  const many = await cli(['train', data.csv, '--target', 'kind', '--loss', 'binaryCrossentropy', '-o', 'x.safetensors'], dir);
  expect(many.code).toBe(2);
  expect(many.stderr).toContain("Expected two classes for --loss binaryCrossentropy but target 'kind' has 3");
});

test('--stream holds out the same rows and fits the same scaler as the in-memory run', async () => {
  const args = ['--target', 'kind', '--features', 'x1,x2,x3,x4', '--epochs', '3', '--layers', '8', '--json'];
  const [memory, streamed] = await Promise.all([
    cli(['train', data.csv, ...args, '-o', 'mem.safetensors'], dir),
    cli(['train', data.csv, ...args, '--stream', '-o', 'stream.safetensors'], dir),
  ]);
  expect(streamed.code).toBe(0);
  const [a, b] = [JSON.parse(memory.stdout), JSON.parse(streamed.stdout)];
  expect([b.rows, b.validationRows, b.classes]).toEqual([a.rows, a.validationRows, a.classes]);
  const [m, s] = await Promise.all([Sequential.load(path.join(dir, 'mem.safetensors')), Sequential.load(path.join(dir, 'stream.safetensors'))]);
  const close = (x: readonly number[], y: readonly number[]) => x.every((v, i) => Math.abs(v - y[i]!) < 1e-9 * Math.max(1, Math.abs(v)));
  expect(close(s.preprocessing!.offset, m.preprocessing!.offset)).toBe(true);
  expect(close(s.preprocessing!.factor, m.preprocessing!.factor)).toBe(true);
  expect(s.columns).toEqual(m.columns);
});

describe('failures: exit code 2 for usage and input, 1 for training, with the option or file line named', () => {
  test.each([
    [['train', 'blobs.csv'], 'Expected --target COLUMN: the column to predict'],
    [['train', 'blobs.csv', '--target', 'kind', '--epochs', '0'], "Expected an integer ≥ 1 for --epochs but received '0'"],
    [['train', 'blobs.csv', '--target', 'kind', '--lr', 'fast'], "Expected a number > 0 for --lr but received 'fast'"],
    [['train', 'blobs.csv', '--target', 'kind', '--val-split', '1'], "Expected a number ≥ 0 and < 1 for --val-split but received '1'"],
    [['train', 'blobs.csv', '--target', 'kind', '--optimizer', 'lbfgs'], "Expected one of sgd, adam, adamw, rmsprop for --optimizer but received 'lbfgs'"],
    [['train', 'blobs.csv', '--target', 'kind', '--layers', '16,x'], "Expected an integer ≥ 1 for --layers but received 'x'"],
    [['train', 'blobs.csv', '--target', 'kind', '--epoch', '3'], "Unknown option '--epoch'"],
    [['train', 'blobs.csv', 'more.csv', '--target', 'kind'], "Unexpected argument 'more.csv' for 'blastrain train' (it takes DATA)"],
    [['train', 'missing.csv', '--target', 'kind'], 'Cannot read missing.csv: ENOENT'],
    [['train', 'blobs.csv', '--target', 'size'], `Expected a finite number but found "dog" in blobs.csv line 2 column 'kind': train reads feature columns as numbers; leave 'kind' out by listing the others with --features, or encode it as numbers first`],
    [['train', 'blobs.csv', '--target', 'colour'], `Expected a column "colour" but the row has 6 ("x1", "x2", "x3", "x4", "kind", "size") in blobs.csv line 2 column 'colour'`],
  ])('%j', async (args, message) => {
    const run = await cli(args, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`blastrain train: ${message}`);
    expect(run.stdout).toBe('');
  });

  test('a malformed row is named by file, line and column', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, 'bad.csv'), 'a,b,y\n1,2,3\n4,oops,5\n');
    const run = await cli(['train', 'bad.csv', '--target', 'y'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Expected a finite number but found "oops" in bad.csv line 3 column \'b\'');
  });

  test('a loss that becomes NaN fails training: exit code 1', async () => {
    const run = await cli(['train', 'blobs.csv', '--target', 'size', '--features', 'x1,x2,x3,x4', '--optimizer', 'sgd', '--lr', '1e9', '--epochs', '5', '-o', 'nan.safetensors'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/blastrain train: (Loss became NaN|Loss became Infinity|The gradient overflowed float32).* at epoch 1, batch \d+/);
    expect(existsSync(path.join(dir, 'nan.safetensors'))).toBe(false);
  });
});

testExecutable('Ctrl-C (SIGINT) mid-training stops after the running batch and still saves the best model so far: exit code 130', async () => {
  const big = writeBlobs(tempDir(), 30_000, 5).csv;
  const run = start(['train', big, '--target', 'kind', '--features', 'x1,x2,x3,x4', '--layers', '256,256', '--batch-size', '8', '--epochs', '1000', '-o', 'interrupted.safetensors'], dir);
  // Piped, progress is one line per epoch: interrupt once two epochs have ended.
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if ((run.stdout().match(/^Epoch \d+\/1000 /gm) ?? []).length >= 2) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
  });
  run.child.kill('SIGINT');
  const outcome = await run.done;
  expect(outcome.code).toBe(130);
  expect(outcome.stderr).toContain('Stopping after the running batch and saving the best model so far');
  expect(outcome.stdout).toMatch(/Interrupted\. Saved the weights of epoch \d+ of \d+ \(valLoss [\d.]+\) to interrupted\.safetensors/);
  const history = JSON.parse(readFileSync(path.join(dir, 'interrupted.history.json'), 'utf8')) as Record<string, number[]>;
  expect(history.epoch!.length).toBeGreaterThanOrEqual(2);
  expect(history.epoch!.length).toBeLessThan(1000);
  const model = await Sequential.load(path.join(dir, 'interrupted.safetensors'));
  expect(model.columns!.classes).toEqual(['bird', 'cat', 'dog']);
  expect(parseSvg(path.join(dir, 'interrupted.curves.svg')).panels).toEqual(['loss', 'accuracy']);
}, 60_000);
