// The layer objects (lib/layers.ts) before and after a model owns them: options and their
// messages, views that exist only once bound, and the initialisation's exact bounds.
import { expect, test } from 'vitest';
import { Dense, Dropout, InvalidArgumentError, Sequential } from '../lib/index';

test('Dense: defaults, every option checked by name', () => {
  expect(new Dense(3)).toMatchObject({ kind: 'dense', units: 3, activation: 'linear', leakyReluAlpha: 0.01, isBound: false });
  expect(new Dense(2, { activation: 'leakyRelu', leakyReluAlpha: 0 }).leakyReluAlpha).toBe(0);
  expect(() => new Dense(0)).toThrow(new InvalidArgumentError('Expected positive integer for units but received 0 of type number'));
  expect(() => new Dense(2, { activation: 'gelu' as never })).toThrow(/^Expected one of 'linear', .* for activation but received 'gelu' of type string/);
  expect(() => new Dense(2, { leakyReluAlpha: -0.1 })).toThrow(new InvalidArgumentError('Expected finite number >= 0 for leakyReluAlpha but received -0.1 of type number'));
  expect(() => new Dense(2, { slope: 1 } as never)).toThrow(/^Unknown option 'slope' in Dense options/);
});

test('a layer no model owns has no weights yet, and says how to get them', () => {
  const dense = new Dense(3);
  const message = 'This Dense layer is not part of a model yet; pass it to new Sequential({ layers })';
  for (const read of [() => dense.weight, () => dense.bias, () => dense.weightGrad, () => dense.biasGrad, () => dense.inputSize]) {
    expect(read).toThrow(new InvalidArgumentError(message));
  }
  const dropout = new Dropout(0.5);
  expect(() => dropout.units).toThrow(new InvalidArgumentError('This Dropout layer is not part of a model yet; pass it to new Sequential({ layers })'));
  expect(dropout.isBound).toBe(false);
  new Sequential({ inputSize: 4, layers: [dense, dropout, new Dense(1)] });
  expect([dense.isBound, dropout.isBound, dropout.units, dense.inputSize, dense.weight.length, dense.bias.length]).toEqual([true, true, 3, 4, 12, 3]);
});

test('Dropout: 0 ≤ rate < 1', () => {
  expect(new Dropout(0)).toMatchObject({ kind: 'dropout', rate: 0, activation: 'linear' });
  expect(() => new Dropout(1)).toThrow(new InvalidArgumentError('Expected rate in [0, 1) for Dropout but received 1: it would drop every unit'));
  expect(() => new Dropout(-0.1)).toThrow('Expected finite number between 0 and 1 for rate but received -0.1');
});

test('initialisation: He uniform ±√(6/in) for the ReLU family, Glorot ±√(6/(in+out)) otherwise, filling the range; biases 0', () => {
  for (const [activation, limit] of [['relu', Math.sqrt(6 / 50)], ['leakyRelu', Math.sqrt(6 / 50)], ['tanh', Math.sqrt(6 / 90)], ['linear', Math.sqrt(6 / 90)], ['sigmoid', Math.sqrt(6 / 90)]] as const) {
    const dense = new Dense(40, { activation });
    const model = new Sequential({ inputSize: 50, seed: 3, layers: [dense] });
    const w = Array.from(dense.weight);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(Math.fround(limit));
    // 2,000 uniform draws reach within 1% of both ends.
    expect(Math.max(...w)).toBeGreaterThan(0.99 * limit);
    expect(Math.min(...w)).toBeLessThan(-0.99 * limit);
    expect(Array.from(dense.bias)).toEqual(new Array(40).fill(0));
    expect(model.params.length).toBe(2040);
  }
});
