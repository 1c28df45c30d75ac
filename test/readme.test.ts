// The README's examples are the files in examples/ verbatim, and they run.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { Sequential } from '../lib/index';

const root = path.join(__dirname, '..');

test.each(['quick-start.mjs', 'server.mjs', 'persistence.mjs', 'training-workflow.mjs', 'streaming.mjs', 'cli-mnist.sh'])('README shows examples/%s verbatim', (name) => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  expect(readme).toContain(readFileSync(path.join(root, 'examples', name), 'utf8').trim());
});

test('the persistence example saves, resumes and exports', async () => {
  const { dir, model, resumed } = await import('../examples/persistence.mjs');
  expect(resumed.optimizer!.stepCount).toBe(model.optimizer!.stepCount + 5 * Math.ceil(600 / 32));
  for (const file of ['model.safetensors', 'data.safetensors', 'model.onnx', 'tfjs/model.json', 'tfjs/weights.bin']) {
    expect(existsSync(path.join(dir, file)), file).toBe(true);
  }
  rmSync(dir, { recursive: true });
});

test('the streaming example learns from its CSV', async () => {
  const { history, result } = await import('../examples/streaming.mjs');
  expect(history.epoch).toHaveLength(8);
  expect(history.valAccuracy!.at(-1)).toBeGreaterThan(0.95);
  expect(result.macroF1).toBeGreaterThan(0.95);
});

test('the training-workflow example stops early with a good model, a checkpoint and a log', async () => {
  const { dir, history, model, stopping } = await import('../examples/training-workflow.mjs');
  expect(history.epoch.length).toBeLessThan(30); // early stopping ended it
  expect(history.valAccuracy!.at(-1)).toBeGreaterThan(0.97);
  // Two balanced classes: precision, recall and macro F1 sit near the accuracy.
  for (const key of ['valPrecision', 'valRecall', 'valMacroF1', 'precision', 'recall', 'macroF1']) expect(history[key]!.at(-1), key).toBeGreaterThan(0.95);
  expect(history.valLoss!.at(-1)).toBeGreaterThanOrEqual(stopping.best);
  const best = await Sequential.load(path.join(dir, 'best.safetensors'));
  expect(best.predict(new Float32Array([0, 1]))).toEqual(model.predict(new Float32Array([0, 1]))); // restored = best checkpoint
  expect(readFileSync(path.join(dir, 'training.csv'), 'utf8').trim().split('\n')).toHaveLength(history.epoch.length + 1);
  rmSync(dir, { recursive: true });
});

test('the quick-start example runs and learns', async () => {
  const { history } = await import('../examples/quick-start.mjs');
  expect(history.loss.at(-1)).toBeLessThan(history.loss[0]! / 2);
  expect(history.accuracy.at(-1)).toBeGreaterThan(0.9);
});
