// eval, predict, info, plot, bench and --help through the real executable, checked against the
// library computing the same thing in-process.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { Dataset, Sequential } from '../../lib/index';
import { cli, parseSvg, start, tempDir, testExecutable, writeBlobs } from './run';

const dir = tempDir();
let data: { csv: string; jsonl: string };
const FEATURES = ['x1', 'x2', 'x3', 'x4'];

beforeAll(async () => {
  data = writeBlobs(dir, 600);
  const run = await cli(['train', data.csv, '--target', 'kind', '--features', FEATURES.join(','), '--layers', '12', '--epochs', '6', '--lr', '0.01', '-o', 'm.safetensors', '--json'], dir);
  expect(run.code).toBe(0);
});

/** The model's probabilities for the file's rows, computed in-process. */
async function reference(): Promise<{ model: Sequential; probabilities: Float32Array; labels: Int32Array }> {
  const model = await Sequential.load(path.join(dir, 'm.safetensors'));
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  for await (const e of Dataset.fromCsv(data.csv, { target: 'kind', features: FEATURES, labels: ['bird', 'cat', 'dog'] })) {
    rows.push(e.x);
    labels.push(e.y as number);
  }
  const x = new Float32Array(rows.length * 4);
  rows.forEach((r, i) => x.set(r, i * 4));
  return { model, probabilities: model.predict(x), labels: Int32Array.from(labels) };
}

describe('eval', () => {
  test('reads the columns saved in the model and reports what evaluate computes', async () => {
    const run = await cli(['eval', 'm.safetensors', data.csv, '--json'], dir);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { loss: number; accuracy: number; rows: number };
    const { model, labels } = await reference();
    const inProcess = await model.evaluateAsync(Dataset.fromCsv(data.csv, { target: 'kind', features: FEATURES, labels: ['bird', 'cat', 'dog'] }));
    expect(result.rows).toBe(labels.length);
    expect(result.loss).toBeCloseTo(inProcess.loss, 6);
    expect(result.accuracy).toBe(inProcess.accuracy);
    const text = await cli(['eval', 'm.safetensors', data.jsonl, '--batch-size', '7'], dir);
    expect(text.stdout).toMatch(/^loss \d\.\d{6} - accuracy \d\.\d{4} \(600 rows of kind\)\n$/);
    expect(Number(text.stdout.split(' ')[1])).toBeCloseTo(inProcess.loss, 5);
  });

  test('a model trained in code needs --target, and gets it', async () => {
    const model = await Sequential.load(path.join(dir, 'm.safetensors'));
    model.setColumns(null);
    await model.save(path.join(dir, 'plain.safetensors'));
    const missing = await cli(['eval', 'plain.safetensors', data.csv, '--features', FEATURES.join(',')], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Expected --target COLUMN: the model does not name its target column');
    const numbers = path.join(dir, 'numbered.csv');
    const classes = ['bird', 'cat', 'dog'];
    writeFileSync(numbers, readFileSync(data.csv, 'utf8').replace(/,(dog|cat|bird),/g, (_, c: string) => `,${classes.indexOf(c)},`));
    const run = await cli(['eval', 'plain.safetensors', numbers, '--target', 'kind', '--features', FEATURES.join(','), '--json'], dir);
    const saved = JSON.parse((await cli(['eval', 'm.safetensors', data.csv, '--json'], dir)).stdout) as { loss: number };
    expect(JSON.parse(run.stdout).loss).toBeCloseTo(saved.loss, 6);
  });
});

describe('predict', () => {
  test('CSV: the predicted class and one probability per class, for every row, as predict computes them', async () => {
    const run = await cli(['predict', 'm.safetensors', data.csv], dir);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('predicted,prob_bird,prob_cat,prob_dog');
    const { probabilities } = await reference();
    expect(lines).toHaveLength(601);
    lines.slice(1).forEach((line, r) => {
      const [predicted, ...p] = line.split(',');
      const expected = Array.from(probabilities.subarray(r * 3, r * 3 + 3));
      p.map(Number).forEach((v, k) => expect(Math.abs(v - expected[k]!)).toBeLessThan(1e-6));
      expect(predicted).toBe(['bird', 'cat', 'dog'][expected.indexOf(Math.max(...expected))]);
    });
  });

  test('JSON lines to a file (by its extension) and with --json to stdout', async () => {
    const toFile = await cli(['predict', 'm.safetensors', data.csv, '-o', 'out.jsonl', '--batch-size', '64'], dir);
    expect(toFile.code).toBe(0);
    expect(toFile.stderr).toBe('Wrote 600 predictions to out.jsonl\n');
    const rows = readFileSync(path.join(dir, 'out.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(600);
    expect(Object.keys(rows[0]!)).toEqual(['predicted', 'prob_bird', 'prob_cat', 'prob_dog']);
    const stdout = await cli(['predict', 'm.safetensors', data.csv, '--json'], dir);
    expect(stdout.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(rows);
  });

  test('a regressor writes its output under the target\'s name', async () => {
    await cli(['train', data.csv, '--target', 'size', '--features', FEATURES.join(','), '--epochs', '2', '-o', 'r.safetensors'], dir);
    const run = await cli(['predict', 'r.safetensors', data.csv, '--out-format', 'csv'], dir);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('size');
    const model = await Sequential.load(path.join(dir, 'r.safetensors'));
    const first = Float32Array.from(readFileSync(data.csv, 'utf8').split('\n')[1]!.split(',').slice(0, 4).map(Number));
    expect(Number(lines[1])).toBeCloseTo(model.predict(first)[0]!, 5);
  });

  testExecutable('stops quietly when its reader goes away (| head)', async () => {
    const big = writeBlobs(tempDir(), 50_000, 9).csv;
    const run = start(['predict', 'm.safetensors', big, '--batch-size', '256'], dir);
    run.child.stdout!.once('data', () => run.child.stdout!.destroy());
    const outcome = await run.done;
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toBe('');
  });

  test('rows of the wrong width and unwritable outputs are usage errors', async () => {
    const narrow = path.join(dir, 'narrow.csv');
    writeFileSync(narrow, 'x1,x2\n1,2\n');
    const run = await cli(['predict', 'm.safetensors', narrow], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Expected a column "x3"');
    const unwritable = await cli(['predict', 'm.safetensors', data.csv, '-o', path.join(dir, 'no', 'such', 'dir.csv')], dir);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/Cannot write .*dir\.csv: ENOENT/);
  });
});

describe('info', () => {
  test('the layer table, format version, size, optimizer, scaling and columns', async () => {
    const run = await cli(['info', 'm.safetensors'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('dense_1 (Dense)  (None, 12)');
    expect(run.stdout).toMatch(/File: m\.safetensors \([\d.]+ KiB\), blastrain format version 2\n/);
    expect(run.stdout).toContain('Optimizer state: not saved');
    expect(run.stdout).toContain('Input scaling: standard (x − mean) / std, saved with the model');
    expect(run.stdout).toContain('Features: x1, x2, x3, x4\nTarget: kind, classes bird, cat, dog\n');
    expect(run.stdout).toContain('PyTorch: nn.Sequential(nn.Linear(4, 12), nn.ReLU(), nn.Linear(12, 3), nn.Softmax(dim=-1))');
    const json = JSON.parse((await cli(['info', 'm.safetensors', '--json'], dir)).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ formatVersion: 2, parameters: 4 * 12 + 12 + 12 * 3 + 3, loss: 'categoricalCrossentropy', optimizer: { type: 'adam' }, optimizerStateSaved: false, preprocessing: 'standard' });
    expect(json.bytes).toBe(readFileSync(path.join(dir, 'm.safetensors')).length);
  });

  test('a file that is not a model is a usage error naming it', async () => {
    writeFileSync(path.join(dir, 'junk.safetensors'), 'not a model at all');
    const run = await cli(['info', 'junk.safetensors'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^blastrain info: .*junk\.safetensors/);
  });
});

describe('plot', () => {
  test('a history JSON becomes an SVG: chosen panels, log scale, title', async () => {
    const run = await cli(['plot', 'm.history.json', '-o', 'chosen.svg', '--metrics', 'loss', '--log', '--title', 'Blobs <3 & co'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Wrote chosen.svg\n');
    const svg = parseSvg(path.join(dir, 'chosen.svg'));
    expect(svg.panels).toEqual(['loss']);
    expect(svg.texts).toContain('Blobs <3 & co');
    expect(svg.texts).toContain('loss (log scale)');
    const byDefault = await cli(['plot', 'm.history.json'], dir);
    expect(byDefault.stdout).toBe('Wrote m.history.svg\n');
    expect(parseSvg(path.join(dir, 'm.history.svg')).panels).toEqual(['loss', 'accuracy']);
  });

  test('an unknown quantity or a file that is not JSON is a usage error', async () => {
    const unknown = await cli(['plot', 'm.history.json', '--metrics', 'precision'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Expected one of the history's keys (loss, lr, accuracy, valLoss, valAccuracy) for metrics[0] but received 'precision'");
    writeFileSync(path.join(dir, 'broken.json'), '{"epoch": [0');
    const broken = await cli(['plot', 'broken.json'], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('Expected a JSON history in broken.json but it does not parse');
  });
});

testExecutable('bench in a checkout without the benchmark\'s peers installed says how to install them', async () => {
  // A copy of the package layout (dist/, bench/run.mjs, package.json) whose bench/ has no node_modules.
  const { cpSync, mkdirSync, symlinkSync } = await import('node:fs');
  const root = path.join(__dirname, '..', '..');
  const copy = tempDir();
  cpSync(path.join(root, 'dist'), path.join(copy, 'dist'), { recursive: true });
  mkdirSync(path.join(copy, 'bench'));
  cpSync(path.join(root, 'bench', 'run.mjs'), path.join(copy, 'bench', 'run.mjs'));
  cpSync(path.join(root, 'package.json'), path.join(copy, 'package.json'));
  symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
  const { spawnSync } = await import('node:child_process');
  const run = spawnSync(process.execPath, [path.join(copy, 'dist', 'cli', 'main.js'), 'bench', '--quick'], { cwd: copy, encoding: 'utf8' });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(`The benchmark's peers are not installed: run npm ci --prefix ${path.join(copy, 'bench')}`);
});

describe('help and usage', () => {
  test.each(['train', 'eval', 'predict', 'info', 'plot', 'bench'])('blastrain %s --help', async (command) => {
    const run = await cli([command, '--help'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: blastrain ${command}`));
    expect(run.stdout).toContain('--json');
    expect((await cli(['help', command], dir)).stdout).toBe(run.stdout);
  });

  test('no command, an unknown one, --version', async () => {
    const none = await cli([], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Commands:\n  train');
    const unknown = await cli(['fit'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^blastrain: unknown command 'fit'/);
    const version = await cli(['--version'], dir);
    expect(version.stdout).toBe(`${(JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version}\n`);
  });
});
