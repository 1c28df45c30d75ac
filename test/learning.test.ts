// End-to-end learning: small problems a correct trainer must solve, with stated targets.
import { describe, expect, test } from 'vitest';
import { Dense, SGD, Sequential } from '../lib/index';
import { spiral } from './helpers';

describe.each(['native', 'js'] as const)('learning (%s backend)', (backend) => {
  test('XOR with binary cross-entropy reaches 100% accuracy and loss < 0.05', async () => {
    const model = new Sequential({ inputSize: 2, seed: 3, backend, layers: [new Dense(8, { activation: 'tanh' }), new Dense(1, { activation: 'sigmoid' })] });
    model.compile({ loss: 'binaryCrossentropy', optimizer: new SGD({ lr: 0.5, momentum: 0.9 }) });
    const x = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]);
    const y = new Float32Array([0, 1, 1, 0]);
    const history = await model.fit(x, y, { epochs: 300, batchSize: 4 });
    expect(history.loss.at(-1)).toBeLessThan(0.05);
    expect(model.evaluate(x, y).accuracy).toBe(1);
    expect(Array.from(model.predict(x), (p) => Math.round(p))).toEqual([0, 1, 1, 0]);
  });

  test('3-class spiral with softmax cross-entropy reaches ≥ 95% accuracy', async () => {
    const { x, labels } = spiral(100);
    const model = new Sequential({
      inputSize: 2, seed: 11, backend,
      layers: [new Dense(48, { activation: 'relu' }), new Dense(48, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })],
    });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1, momentum: 0.9 }) });
    const history = await model.fit(x, labels, { epochs: 150, batchSize: 32, shuffle: true });
    expect(history.loss.at(-1)).toBeLessThan(history.loss[0]! / 4);
    expect(model.evaluate(x, labels).accuracy).toBeGreaterThanOrEqual(0.95);
  });

  test('regression of sin(x) on [-π, π] reaches MSE < 0.005 (full-batch and mini-batch)', async () => {
    const n = 128;
    const x = Float32Array.from({ length: n }, (_, i) => -Math.PI + (2 * Math.PI * i) / (n - 1));
    const y = x.map(Math.sin);
    for (const batchSize of [n, 16]) {
      const model = new Sequential({ inputSize: 1, seed: 2, backend, layers: [new Dense(32, { activation: 'tanh' }), new Dense(1)] });
      model.compile({ loss: 'mse', optimizer: new SGD({ lr: 0.05, momentum: 0.9 }) });
      await model.fit(x, y, { epochs: batchSize === n ? 4000 : 300, batchSize });
      expect(model.evaluate(x, y).loss).toBeLessThan(0.005);
    }
  });
});
