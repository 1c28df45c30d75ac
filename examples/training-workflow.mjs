// Training that finds a good model: a validation split, a learning-rate schedule, gradient
// clipping, early stopping that keeps the best weights, checkpoints and a CSV log.
// Run with `node examples/training-workflow.mjs` after `npm run build:ts`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CSVLogger, Dense, EarlyStopping, f1, ModelCheckpoint, OneCycleLR, SGD, Sequential } from 'blastrain';

const dir = mkdtempSync(path.join(tmpdir(), 'blastrain-workflow-'));
// Two interleaved half-moons with noise: 2 features → 2 classes.
const samples = 2000;
const x = new Float32Array(samples * 2);
const labels = new Uint8Array(samples);
for (let i = 0; i < samples; i++) {
  const t = Math.PI * ((i * 0.618034) % 1);
  const upper = i % 2 === 0;
  x[2 * i] = (upper ? Math.cos(t) : 1 - Math.cos(t)) + 0.2 * Math.sin(i * 7.1);
  x[2 * i + 1] = (upper ? Math.sin(t) : 0.5 - Math.sin(t)) + 0.2 * Math.cos(i * 3.7);
  labels[i] = upper ? 0 : 1;
}

const model = new Sequential({
  inputSize: 2, seed: 7,
  layers: [new Dense(32, { activation: 'relu' }), new Dense(32, { activation: 'relu' }), new Dense(2, { activation: 'softmax' })],
});
// clipNorm rescales the whole gradient to a global L2 norm of at most 1 (clip_grad_norm_).
// The metrics are counted natively in the same pass as the loss, for training and validation.
model.compile({
  loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1, momentum: 0.9, clipNorm: 1 }),
  metrics: ['accuracy', 'precision', 'recall', f1({ average: 'macro' })],
});
console.log(model.summary());

const epochs = 30;
const batchSize = 32;
const stepsPerEpoch = Math.ceil((samples * 0.8) / batchSize);
const stopping = new EarlyStopping({ monitor: 'valLoss', patience: 5, restoreBestWeights: true });
const history = await model.fit(x, labels, {
  epochs, batchSize,
  validationSplit: 0.2, // the last 20% of the rows, held out before shuffling
  lrSchedule: new OneCycleLR({ maxLr: 0.2, totalSteps: epochs * stepsPerEpoch }), // per batch, inside the native loop
  callbacks: [
    stopping,
    new ModelCheckpoint({ path: path.join(dir, 'best.safetensors'), monitor: 'valLoss', saveBestOnly: true }),
    new CSVLogger(path.join(dir, 'training.csv')),
  ],
});
console.log(`epochs run: ${history.epoch.length}; best valLoss ${stopping.best.toFixed(4)} at epoch ${stopping.bestEpoch + 1}`);
console.log('final validation accuracy', history.valAccuracy.at(-1), 'macro F1', history.valMacroF1.at(-1), '- logs and checkpoint in', dir);
export { dir, history, model, stopping };
