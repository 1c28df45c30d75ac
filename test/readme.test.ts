// The README's examples are the files in examples/ verbatim, and they run.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.join(__dirname, '..');

test('README shows examples/quick-start.mjs verbatim', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const example = readFileSync(path.join(root, 'examples', 'quick-start.mjs'), 'utf8');
  expect(readme).toContain(example.trim());
});

test('README shows examples/server.mjs verbatim', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const example = readFileSync(path.join(root, 'examples', 'server.mjs'), 'utf8');
  expect(readme).toContain(example.trim());
});

test('README shows examples/persistence.mjs verbatim', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const example = readFileSync(path.join(root, 'examples', 'persistence.mjs'), 'utf8');
  expect(readme).toContain(example.trim());
});

test('the persistence example saves, resumes and exports', async () => {
  const { dir, model, resumed } = await import('../examples/persistence.mjs');
  expect(resumed.optimizer!.stepCount).toBe(model.optimizer!.stepCount + 5 * Math.ceil(600 / 32));
  for (const file of ['model.safetensors', 'data.safetensors', 'model.onnx', 'tfjs/model.json', 'tfjs/weights.bin']) {
    expect(existsSync(path.join(dir, file)), file).toBe(true);
  }
  rmSync(dir, { recursive: true });
});

test('the quick-start example runs and learns', async () => {
  const { history } = await import('../examples/quick-start.mjs');
  expect(history.loss.at(-1)).toBeLessThan(history.loss[0]! / 2);
  expect(history.accuracy.at(-1)).toBeGreaterThan(0.9);
});
