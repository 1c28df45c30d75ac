// The native backend against the plain-TypeScript reference: same init, same data, same steps →
// the same losses and parameters within float32 round-off, over randomized networks.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ACTIVATIONS, Adam, AdamW, Dense, RMSprop, SGD, Sequential, type ActivationName, type LossName, type Optimizer } from '../lib/index';
import { Random } from '../lib/random';
import { expectClose, randomFloats } from './helpers';

interface Config {
  inputSize: number;
  hidden: { units: number; activation: ActivationName }[];
  outputs: number;
  loss: LossName;
  outputActivation: ActivationName;
  samples: number;
  batchSize: number;
  epochs: number;
  shuffle: boolean;
  labels: boolean;
  optimizer: { type: 'sgd' | 'adam' | 'adamw' | 'rmsprop'; options: Record<string, number | boolean> };
  seed: number;
}

const config: fc.Arbitrary<Config> = fc
  .record({
    inputSize: fc.integer({ min: 1, max: 9 }),
    hidden: fc.array(fc.record({ units: fc.integer({ min: 1, max: 12 }), activation: fc.constantFrom(...ACTIVATIONS) }), { maxLength: 3 }),
    outputs: fc.integer({ min: 1, max: 5 }),
    loss: fc.constantFrom<LossName>('mse', 'categoricalCrossentropy', 'binaryCrossentropy'),
    mseOutput: fc.constantFrom(...ACTIVATIONS),
    samples: fc.integer({ min: 1, max: 40 }),
    batchSize: fc.integer({ min: 1, max: 48 }),
    epochs: fc.integer({ min: 1, max: 3 }),
    shuffle: fc.boolean(),
    labels: fc.boolean(),
    momentum: fc.constantFrom(0, 0.5, 0.9),
    dampening: fc.constantFrom(0, 0.3),
    weightDecay: fc.constantFrom(0, 0.01, 1),
    clipNorm: fc.constantFrom(0, 0, 0.5),
    clipValue: fc.constantFrom(0, 0, 0.05),
    nesterov: fc.boolean(),
    lr: fc.constantFrom(0.01, 0.05),
    type: fc.constantFrom('sgd', 'adam', 'adamw', 'rmsprop'),
    amsgrad: fc.boolean(),
    centered: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .map((r) => {
    const nesterov = r.nesterov && r.momentum > 0;
    return {
      inputSize: r.inputSize,
      hidden: r.hidden,
      outputs: r.outputs,
      loss: r.loss,
      outputActivation: r.loss === 'categoricalCrossentropy' ? 'softmax' : r.loss === 'binaryCrossentropy' ? 'sigmoid' : r.mseOutput,
      samples: r.samples,
      batchSize: r.batchSize,
      epochs: r.epochs,
      shuffle: r.shuffle,
      labels: r.labels && r.loss === 'categoricalCrossentropy',
      optimizer:
        r.type === 'sgd'
          ? { type: r.type, options: { lr: r.lr, momentum: r.momentum, dampening: nesterov ? 0 : r.dampening, weightDecay: r.weightDecay, nesterov, clipNorm: r.clipNorm, clipValue: r.clipValue } }
          : r.type === 'rmsprop'
            ? { type: r.type, options: { lr: r.lr / 10, momentum: r.momentum, weightDecay: r.weightDecay, centered: r.centered, clipNorm: r.clipNorm, clipValue: r.clipValue } }
            : { type: r.type, options: { lr: r.lr / 10, weightDecay: r.weightDecay, amsgrad: r.amsgrad, clipNorm: r.clipNorm, clipValue: r.clipValue } },
      seed: r.seed,
    };
  });

function build(c: Config, backend: 'native' | 'js'): Sequential {
  const layers = [...c.hidden.map((h) => new Dense(h.units, { activation: h.activation })), new Dense(c.outputs, { activation: c.outputActivation })];
  const model = new Sequential({ inputSize: c.inputSize, layers, seed: c.seed, backend });
  const classes: Record<Config['optimizer']['type'], new (o: object) => Optimizer> = { sgd: SGD, adam: Adam, adamw: AdamW, rmsprop: RMSprop };
  model.compile({ loss: c.loss, optimizer: new classes[c.optimizer.type](c.optimizer.options) });
  return model;
}

function data(c: Config): { x: Float32Array; y: Float32Array | Int32Array } {
  const random = new Random(c.seed + 1);
  const x = randomFloats(random, c.samples * c.inputSize, 2);
  if (c.labels) return { x, y: Int32Array.from({ length: c.samples }, () => Math.floor(random.next() * c.outputs)) };
  const y = new Float32Array(c.samples * c.outputs);
  for (let s = 0; s < c.samples; s++) {
    if (c.loss === 'categoricalCrossentropy') y[s * c.outputs + Math.floor(random.next() * c.outputs)] = 1;
    else for (let k = 0; k < c.outputs; k++) y[s * c.outputs + k] = c.loss === 'binaryCrossentropy' ? (random.next() < 0.5 ? 0 : 1) : random.uniform(1);
  }
  return { x, y };
}

describe('native backend matches the TypeScript reference', () => {
  test('fit: same history, parameters, optimizer state and predictions', async () => {
    await fc.assert(
      fc.asyncProperty(config, async (c) => {
        const { x, y } = data(c);
        const native = build(c, 'native');
        const js = build(c, 'js');
        expect(native.params).toEqual(js.params); // same seeded initialisation
        const options = { epochs: c.epochs, batchSize: c.batchSize, shuffle: c.shuffle };
        const [hn, hj] = [await native.fit(x, y, options), await js.fit(x, y, options)];
        // The two backends sum in different orders (OpenBLAS blocks its GEMMs; the reference
        // loops row by row), so each step differs by float32 round-off (~1e-7 relative) and a
        // few epochs of training amplify that to ~1e-5 in the parameters and ~3e-4 in optimizer
        // state (second moments square the difference; some entries are tiny). The bounds below
        // are about 3× what the fixed-seed runs use; a wrong term is off by percents.
        expectClose(hn.loss, hj.loss, 1e-4, 1e-5, 'epoch losses');
        if (hj.accuracy) expectClose(hn.accuracy!, hj.accuracy, 0, 1e-9, 'accuracy');
        expectClose(native.params, js.params, 1e-4, 1e-6, 'params');
        expectClose(native.optimizer!.state, js.optimizer!.state, 5e-4, 1e-6, 'optimizer state');
        expectClose(native.predict(x), js.predict(x), 1e-4, 1e-6, 'predictions');
        const [en, ej] = [native.evaluate(x, y), js.evaluate(x, y)];
        expectClose([en.loss], [ej.loss], 1e-4, 1e-6, 'evaluate loss');
      }),
      { numRuns: 150, seed: 20261129 },
    );
  });

  test('step by step: forward, backward, optimizer.step, zeroGrad', () => {
    fc.assert(
      fc.property(config, (c) => {
        const { x, y } = data(c);
        const models = [build(c, 'native'), build(c, 'js')] as const;
        for (const model of models) {
          for (let step = 0; step < 3; step++) {
            model.forward(x);
            model.backward(y);
            model.optimizer!.step();
            if (step < 2) model.optimizer!.zeroGrad();
          }
        }
        expectClose(models[0].grads, models[1].grads, 1e-4, 1e-6, 'grads');
        expectClose(models[0].params, models[1].params, 1e-4, 1e-6, 'params');
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});

// The native dense layer runs each product through its own loops when it is small
// (native/small_gemm.h: a forward pass with at least 4 outputs and at most 256 weights; a
// backward product of at most 16,384 multiply-adds), else through OpenBLAS (a GEMV for one row):
// each network below has layers on both sides of those limits, checked against the reference as
// above.
test.each([
  ['BLAS forward passes, a small backward in the second layer (64 × 48 × 3)', 40, [48], 3, 64],
  ['a BLAS forward (80 × 64 weights) with a small backward (3 rows)', 80, [64], 2, 3],
  ['small layers only, one row per batch', 5, [7], 4, 1],
  ['small forward passes, a BLAS backward in the first layer (256 × 8 × 16)', 8, [16], 4, 256],
  ['BLAS everywhere', 96, [128, 96], 40, 32],
] as const)('native paths by size match the reference: %s', async (_, inputSize, hidden, outputs, batchSize) => {
  const c: Config = {
    inputSize, hidden: hidden.map((units) => ({ units, activation: 'tanh' as const })), outputs, loss: 'categoricalCrossentropy', outputActivation: 'softmax',
    samples: 3 * batchSize, batchSize, epochs: 2, shuffle: true, labels: true, optimizer: { type: 'sgd', options: { lr: 0.05, momentum: 0.9 } }, seed: 3,
  };
  const { x, y } = data(c);
  const [native, js] = [build(c, 'native'), build(c, 'js')];
  const options = { epochs: c.epochs, batchSize, shuffle: true };
  expectClose((await native.fit(x, y, options)).loss, (await js.fit(x, y, options)).loss, 1e-4, 1e-5, 'epoch losses');
  expectClose(native.params, js.params, 1e-4, 1e-6, 'params');
  // After fit the gradients of its last batch stay readable, as PyTorch's .grad does.
  expect(native.grads.some((g) => g !== 0)).toBe(true);
  expectClose(native.grads, js.grads, 1e-4, 1e-6, 'gradients of the last batch');
  expectClose(native.predict(x), js.predict(x), 1e-4, 1e-6, 'predictions');
  // One row at a time: a GEMV per layer too large for the loops.
  expectClose(native.predict(x.subarray(0, inputSize)), js.predict(x.subarray(0, inputSize)), 1e-4, 1e-6, 'one-row predictions');
  // Step by step over all the rows at once: backward adds into the gradients until zeroGrad, on
  // either path (a BLAS product accumulates with beta = 1), so a second pass doubles them, to
  // float32 round-off: the sums over the rows restart from the first pass's (measured ≤ 3e-6
  // relative; a product that overwrote instead would be off by half).
  for (const model of [native, js]) {
    model.zeroGrad();
    model.forward(x);
    model.backward(y);
    const once = model.grads.slice();
    model.forward(x);
    model.backward(y);
    expectClose(model.grads, once.map((v) => 2 * v), 1e-4, 1e-7, 'gradients after two passes');
  }
});

test.each(['native', 'js'] as const)('%s: a fit stopped before a run of batches starts leaves the last batch\'s gradients in place', async (backend) => {
  const c: Config = {
    inputSize: 3, hidden: [{ units: 5, activation: 'tanh' }], outputs: 2, loss: 'mse', outputActivation: 'linear',
    samples: 12, batchSize: 4, epochs: 2, shuffle: false, labels: false, optimizer: { type: 'sgd', options: { lr: 0.05 } }, seed: 9,
  };
  const { x, y } = data(c);
  const model = build(c, backend);
  let afterFirstEpoch: Float32Array | undefined;
  await model.fit(x, y, {
    epochs: 2, batchSize: 4, shuffle: false,
    callbacks: {
      onEpochEnd: () => void (afterFirstEpoch ??= model.grads.slice()),
      onEpochBegin: (epoch) => void (epoch === 1 && (model.stopTraining = true)),
    },
  });
  expect(afterFirstEpoch!.some((g) => g !== 0)).toBe(true);
  expect(model.grads).toEqual(afterFirstEpoch);
});
