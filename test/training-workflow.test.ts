// Validation, the built-in callbacks (Keras semantics), summary() and toJSON().
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  CSVLogger, Dense, EarlyStopping, InvalidArgumentError, JsonLinesLogger, LearningRateScheduler, ModelCheckpoint,
  ReduceLROnPlateau, SGD, Sequential, type CallbackModel, type EpochLogs,
} from '../lib/index';
import { spiral, scratchDir } from './helpers';

const dir = scratchDir('workflow');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function classifier(backend: 'native' | 'js' = 'native') {
  const m = new Sequential({ inputSize: 2, seed: 3, backend, layers: [new Dense(24, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1, momentum: 0.9 }) });
  return m;
}

/** A stand-in model for driving a callback through a sequence of epoch logs. */
function fakeModel(): CallbackModel & { saves: string[] } {
  const saves: string[] = [];
  return { params: new Float32Array(3), stopTraining: false, optimizer: { lr: 1 }, saves, save: async (p: string) => void saves.push(p) };
}
const logs = (valLoss: number): EpochLogs => ({ loss: valLoss, valLoss });

describe.each(['native', 'js'] as const)('validation (%s backend)', (backend) => {
  const { x, labels } = spiral(60);
  test('validationSplit holds out the last rows before shuffling; valLoss is their loss after each epoch', async () => {
    const model = classifier(backend);
    const history = await model.fit(x, labels, { epochs: 3, validationSplit: 0.25, batchSize: 16 });
    const held = Math.floor(180 * 0.25);
    const evaluation = model.evaluate(x.subarray(2 * (180 - held)), labels.subarray(180 - held));
    expect(history.valLoss).toHaveLength(3);
    expect(history.valLoss!.at(-1)).toBeCloseTo(evaluation.loss, 10);
    expect(history.valAccuracy!.at(-1)).toBe(evaluation.accuracy);
    // Training used only the first 135 rows: 9 batches of 16 per epoch.
    expect(model.optimizer!.stepCount).toBe(3 * Math.ceil(135 / 16));
  });

  test('validationData is evaluated after every epoch, in validationBatchSize chunks', async () => {
    const model = classifier(backend);
    const xv = x.subarray(0, 2 * 50);
    const yv = labels.subarray(0, 50);
    const seen: number[] = [];
    const history = await model.fit(x, labels, { epochs: 2, validationData: [xv, yv], validationBatchSize: 7, callbacks: { onEpochEnd: (_, l) => void seen.push(l.valLoss!) } });
    expect(seen).toEqual(history.valLoss);
    // Same rows, other chunks (the last chunk of 1 row runs as a GEMV): equal to float32 round-off.
    expect(history.valLoss!.at(-1)).toBeCloseTo(model.evaluate(xv, yv).loss, 6);
  });

  test('validation options are checked', async () => {
    const model = classifier(backend);
    await expect(model.fit(x, labels, { validationSplit: 1 })).rejects.toThrow(/validationSplit to hold out between 1 and 179/);
    await expect(model.fit(x, labels, { validationSplit: 0.1, validationData: [x, labels] })).rejects.toThrow(InvalidArgumentError);
    await expect(model.fit(x, labels, { validationData: [x] as never })).rejects.toThrow('Expected [x, y] pair for validationData but received array');
  });
});

describe('EarlyStopping (Keras semantics)', () => {
  test('stops after `patience` epochs without improvement and restores the best weights at the end', () => {
    const stop = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    const model = fakeModel();
    stop.setModel(model);
    stop.onTrainBegin();
    const sequence = [1.0, 0.9, 0.95, 0.96, 0.97];
    for (const [epoch, value] of sequence.entries()) {
      model.params.fill(epoch); // the weights after this epoch
      stop.onEpochEnd(epoch, logs(value));
      if (model.stopTraining) break;
    }
    expect(stop.stoppedEpoch).toBe(3);
    expect([stop.best, stop.bestEpoch]).toEqual([0.9, 1]);
    stop.onTrainEnd();
    expect(Array.from(model.params)).toEqual([1, 1, 1]); // epoch 1's weights
  });

  test('minDelta, max mode for accuracies, and a baseline to beat', () => {
    const accuracy = new EarlyStopping({ monitor: 'valAccuracy', minDelta: 0.05 });
    expect(accuracy.monitor.mode).toBe('max');
    const model = fakeModel();
    accuracy.setModel(model);
    accuracy.onTrainBegin();
    accuracy.onEpochEnd(0, { loss: 1, valAccuracy: 0.5 });
    accuracy.onEpochEnd(1, { loss: 1, valAccuracy: 0.53 }); // within minDelta: no improvement
    expect(model.stopTraining).toBe(true);
    const baseline = new EarlyStopping({ patience: 1, baseline: 0.5 });
    const other = fakeModel();
    baseline.setModel(other);
    baseline.onTrainBegin();
    baseline.onEpochEnd(0, logs(0.8)); // improves on Infinity but not on the baseline: wait stays 1
    baseline.onEpochEnd(1, logs(0.7)); // an improvement never stops training, even above the baseline
    expect(other.stopTraining).toBe(false);
    baseline.onEpochEnd(2, logs(0.75));
    expect(other.stopTraining).toBe(true);
  });

  test('in fit: stops early on a validation loss that rises, keeping the best epoch\'s weights', async () => {
    const { x, labels } = spiral(60);
    const model = classifier();
    const stop = new EarlyStopping({ monitor: 'loss', patience: 1, restoreBestWeights: true });
    let worse = 0;
    // A callback before it makes the loss look worse from epoch 3 on.
    const history = await model.fit(x, labels, {
      epochs: 50,
      callbacks: [{ onEpochEnd: (epoch, l) => void (epoch >= 3 && (l.loss = 10 + worse++)) }, stop],
    });
    expect(history.epoch.length).toBeLessThan(50);
    expect(stop.stoppedEpoch).toBe(3); // the first epoch without improvement, with patience 1
    expect(stop.bestEpoch).toBe(2);
    expect(history.epoch).toEqual([0, 1, 2, 3]);
  });

  test('a monitored log that does not exist is a typed error naming the logs there are', async () => {
    const { x, labels } = spiral(20);
    await expect(classifier().fit(x, labels, { callbacks: new EarlyStopping() })).rejects.toThrow(
      "The monitored quantity 'valLoss' is not in the epoch logs (they hold loss, accuracy, lr); pass validationData or validationSplit to fit",
    );
  });
});

test('ReduceLROnPlateau multiplies the rate by factor after patience epochs, then cools down', () => {
  const reduce = new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 2, cooldown: 1, minLr: 0.2 });
  const model = fakeModel();
  reduce.setModel(model);
  reduce.onTrainBegin();
  const rates: number[] = [];
  for (const [epoch, value] of [1, 1, 1, 1, 1, 1, 1, 1].entries()) {
    reduce.onEpochEnd(epoch, logs(value));
    rates.push(model.optimizer!.lr);
  }
  // epoch 0 sets the best; 1–2 stall → 0.5 and a 1-epoch cooldown; the cooldown epoch 3 counts
  // once it is over (as Keras checks it after the countdown), so 4 stalls again → 0.25; 6 → the
  // floor 0.2.
  expect(rates).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2]);
});

test('LearningRateScheduler sets the rate at each epoch start; History records it', async () => {
  const { x, labels } = spiral(20);
  const history = await classifier().fit(x, labels, { epochs: 4, callbacks: new LearningRateScheduler((epoch) => 0.1 / (epoch + 1)) });
  expect(history.lr).toEqual([0.1, 0.05, 0.1 / 3, 0.025]);
});

test('ModelCheckpoint saves every epoch, or only the best, to loadable files', async () => {
  const { x, labels } = spiral(30);
  const every = new ModelCheckpoint({ path: path.join(dir, 'every-{epoch}.safetensors'), monitor: 'loss' });
  const best = new ModelCheckpoint({ path: path.join(dir, 'best.safetensors'), monitor: 'loss', saveBestOnly: true, optimizer: true });
  const model = classifier();
  await model.fit(x, labels, { epochs: 3, callbacks: [every, best] });
  expect(every.saved.map((f) => path.basename(f))).toEqual(['every-1.safetensors', 'every-2.safetensors', 'every-3.safetensors']);
  expect(best.saved.length).toBeGreaterThan(0);
  const loaded = await Sequential.load(path.join(dir, 'best.safetensors'));
  expect(loaded.optimizer!.stepCount).toBeGreaterThan(0);
  const last = await Sequential.load(path.join(dir, 'every-3.safetensors'));
  expect(last.predict(x)).toEqual(model.predict(x));
});

test('CSVLogger and JsonLinesLogger write one line per epoch', async () => {
  const { x, labels } = spiral(20);
  const csv = path.join(dir, 'log.csv');
  const jsonl = path.join(dir, 'log.jsonl');
  const history = await classifier().fit(x, labels, { epochs: 3, validationSplit: 0.2, callbacks: [new CSVLogger(csv), new JsonLinesLogger(jsonl)] });
  const rows = readFileSync(csv, 'utf8').trim().split('\n');
  expect(rows[0]).toBe('epoch,accuracy,loss,lr,valAccuracy,valLoss');
  expect(rows).toHaveLength(4);
  expect(Number(rows[3]!.split(',')[2])).toBe(history.loss[2]);
  const lines = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(lines.map((l) => l.valLoss)).toEqual(history.valLoss);
});

test('summary() is a Keras-style table; toJSON() the architecture, loss, metrics and optimizer', () => {
  const model = classifier();
  expect(model.summary().split('\n')).toEqual([
    'Model: Sequential (input 2 features, native backend)',
    '─'.repeat(52),
    'Layer (type)     Output shape  Param #  Activation',
    '─'.repeat(52),
    'dense_1 (Dense)  (None, 24)         72  relu',
    'dense_2 (Dense)  (None, 3)          75  softmax',
    '─'.repeat(52),
    'Total params: 147 (0.57 KiB)',
    'Loss: categoricalCrossentropy; optimizer: sgd (lr 0.1); metrics: accuracy',
  ]);
  expect(JSON.parse(JSON.stringify(model))).toMatchObject({
    architecture: { inputSize: 2, seed: 3, layers: [{ type: 'dense', units: 24, activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' }] },
    loss: 'categoricalCrossentropy',
    metrics: [{ type: 'accuracy' }],
    optimizer: { type: 'sgd', options: { lr: 0.1, momentum: 0.9 } },
  });
});
