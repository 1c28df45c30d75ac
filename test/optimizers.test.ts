// Adam, AdamW and RMSprop beside SGD: PyTorch's defaults, validated options, named state
// buffers, exact resume from a stateDict. Their maths is checked against PyTorch in
// vectors.test.ts and native-vs-TypeScript in backends.test.ts.
import { describe, expect, test } from 'vitest';
import { Adam, AdamW, Dense, InvalidArgumentError, RMSprop, SGD, Sequential, type Optimizer } from '../lib/index';
import { spiral } from './helpers';

test('defaults are PyTorch\'s', () => {
  expect(new SGD().options).toEqual({ lr: 0.001, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, clipNorm: 0, clipValue: 0 });
  expect(new Adam().options).toEqual({ lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, clipNorm: 0, clipValue: 0 });
  expect(new AdamW().options).toEqual({ lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, amsgrad: false, clipNorm: 0, clipValue: 0 });
  expect(new RMSprop().options).toEqual({ lr: 0.01, rho: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, clipNorm: 0, clipValue: 0 });
});

test('options are validated with the argument named', () => {
  expect(() => new Adam({ beta1: 1 })).toThrow('Expected number in [0, 1) for beta1 but received 1 of type number');
  expect(() => new AdamW({ eps: -1 })).toThrow('Expected finite number >= 0 for eps but received -1 of type number');
  expect(() => new RMSprop({ alpha: 0.9 } as never)).toThrow(InvalidArgumentError);
  expect(() => new RMSprop({ rh0: 0.9 } as never)).toThrow(/did you mean 'rho'\?/);
  expect(() => new Adam({ amsgrad: 1 } as never)).toThrow('Expected boolean for amsgrad but received 1 of type number');
});

// With each, a known-good run of 60 epochs on the 120-point spiral reached this loss and
// accuracy (evaluate); the "learns" test asks for no worse than 1.25× the loss and 5 points
// below the accuracy — levels a wrong update rule does not reach in 60 epochs.
const optimizers: [string, () => Optimizer, string[], { loss: number; accuracy: number }][] = [
  ['SGD', () => new SGD({ lr: 0.05, momentum: 0.9 }), ['momentumBuffer'], { loss: 0.17, accuracy: 0.967 }],
  ['Adam', () => new Adam({ lr: 0.01, amsgrad: true }), ['expAvg', 'expAvgSq', 'maxExpAvgSq'], { loss: 0.401, accuracy: 0.875 }],
  ['AdamW', () => new AdamW({ lr: 0.01 }), ['expAvg', 'expAvgSq', 'maxExpAvgSq'], { loss: 0.417, accuracy: 0.858 }],
  ['RMSprop', () => new RMSprop({ lr: 0.005, momentum: 0.5, centered: true }), ['squareAvg', 'momentumBuffer', 'gradAvg'], { loss: 0.284, accuracy: 0.933 }],
];

describe.each(optimizers)('%s', (_, make, stateNames, knownGood) => {
  const { x, labels } = spiral(40);
  function model(optimizer: Optimizer) {
    const m = new Sequential({ inputSize: 2, seed: 3, layers: [new Dense(24, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })] });
    m.compile({ loss: 'categoricalCrossentropy', optimizer });
    return m;
  }

  test('keeps its named state buffers in one Float32Array', () => {
    const m = model(make());
    m.trainStep(x, labels);
    const opt = m.optimizer!;
    expect(Object.keys(opt.stateDict().state)).toEqual(stateNames);
    expect(opt.state.length).toBe(stateNames.length * m.params.length);
    for (const name of stateNames) expect(opt.stateBuffer(name).buffer).toBe(opt.state.buffer);
  });

  test('learns to the level of a known-good run', async () => {
    const learner = model(make());
    await learner.fit(x, labels, { epochs: 60, batchSize: 16, shuffle: false });
    const { loss, accuracy } = learner.evaluate(x, labels);
    expect(loss).toBeLessThan(1.25 * knownGood.loss);
    expect(accuracy).toBeGreaterThanOrEqual(knownGood.accuracy - 0.05);
  });

  test('resumes exactly from a stateDict', async () => {
    const straight = model(make());
    await straight.fit(x, labels, { epochs: 6, batchSize: 16, shuffle: false });

    const first = model(make());
    await first.fit(x, labels, { epochs: 3, batchSize: 16, shuffle: false });
    const resumed = model(make());
    resumed.params.set(first.params);
    resumed.optimizer!.loadStateDict(first.optimizer!.stateDict());
    await resumed.fit(x, labels, { epochs: 3, batchSize: 16, shuffle: false });
    expect(resumed.params).toEqual(straight.params);
  });
});
