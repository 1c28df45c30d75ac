// TensorFlow.js both ways, with the pure-JS @tensorflow/tfjs (a test-only dependency): an
// exported model loads in tf.loadLayersModel and predicts the same; a Dense-only tfjs model
// imports into blastrain and predicts the same; layers blastrain cannot represent are named.
// Tolerance: both compute in float32, in different orders: 1e-5 relative, 1e-6 absolute.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Dense, Dropout, ModelFormatError, SGD, Sequential } from '../../lib/index';
import { expectClose, scratchDir } from '../helpers';

const dir = scratchDir('tfjs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
const x = Float32Array.from({ length: 5 * 64 }, (_, i) => Math.sin(i * 1.3));

async function loadTfjs(from: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(path.join(from, 'model.json'), 'utf8'));
  const weights = readFileSync(path.join(from, 'weights.bin'));
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  }));
}

async function saveTfjs(model: tf.LayersModel, to: string): Promise<void> {
  mkdirSync(to, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    writeFileSync(path.join(to, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
    writeFileSync(path.join(to, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

const predictTfjs = (model: tf.LayersModel) => (model.predict(tf.tensor2d(x, [64, 5])) as tf.Tensor).dataSync() as Float32Array;

test('blastrain → TensorFlow.js: loadLayersModel predicts the same, every activation', async () => {
  const model = new Sequential({
    inputSize: 5, seed: 11,
    layers: [new Dense(12, { activation: 'relu' }), new Dropout(0.3), new Dense(10, { activation: 'leakyRelu', leakyReluAlpha: 0.25 }), new Dense(8, { activation: 'tanh' }), new Dense(6, { activation: 'sigmoid' }), new Dense(5), new Dense(3, { activation: 'softmax' })],
  });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1 }) });
  await model.fit(x, Int32Array.from({ length: 64 }, (_, i) => i % 3), { epochs: 5, batchSize: 8 });
  const out = path.join(dir, 'exported');
  await model.exportTfjs(out);
  const loaded = await loadTfjs(out);
  expect(loaded.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dropout', 'Dense', 'LeakyReLU', 'Dense', 'Dense', 'Dense', 'Dense']);
  expectClose(predictTfjs(loaded), model.predict(x), 1e-5, 1e-6, 'tfjs predictions of the exported model');
});

test('TensorFlow.js → blastrain: a Dense-only model imports with the same predictions, and trains on', async () => {
  const source = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [5], units: 16, activation: 'relu' }),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.dense({ units: 8 }),
      tf.layers.leakyReLU({ alpha: 0.1 }),
      tf.layers.dense({ units: 4, activation: 'softmax' }),
    ],
  });
  const out = path.join(dir, 'from-tfjs');
  await saveTfjs(source, out);
  const model = await Sequential.fromTfjs(out);
  expect(model.layers.map((l) => [l.kind, l.units, l.activation])).toEqual([['dense', 16, 'relu'], ['dropout', 16, 'linear'], ['dense', 8, 'leakyRelu'], ['dense', 4, 'softmax']]);
  expect(model.layers[2]!.leakyReluAlpha).toBeCloseTo(0.1, 7);
  expectClose(model.predict(x), predictTfjs(source), 1e-5, 1e-6, 'blastrain predictions of the tfjs model');
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1 }) });
  const history = await model.fit(x, Int32Array.from({ length: 64 }, (_, i) => i % 4), { epochs: 3 });
  expect(history.loss.every(Number.isFinite)).toBe(true);
});

test('layers blastrain cannot represent are named in a ModelFormatError', async () => {
  const source = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [5], units: 8, activation: 'elu' }), tf.layers.batchNormalization(), tf.layers.dense({ units: 2, useBias: false })],
  });
  const out = path.join(dir, 'unsupported');
  await saveTfjs(source, out);
  const error = await Sequential.fromTfjs(out).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModelFormatError);
  expect((error as Error).message).toMatch(/cannot represent: dense_\w+ \(Dense, activation elu\), batch_normalization_\w+ \(BatchNormalization\), dense_\w+ \(Dense, activation linear, no bias\)/);
});
