// Reference trajectories computed by PyTorch (test/fixtures/vectors: copied from shared/vectors, and
// written by scripts/generate-vectors.py for the options those leave out):
// grads0, per-batch losses, final parameters and predictions, on both backends, through the
// fused trainStep and through fit({ shuffle: false }).
import { describe, expect, test } from 'vitest';
import { Adam, AdamW, Dense, RMSprop, SGD, Sequential } from '../lib/index';
import type { Optimizer } from '../lib/optim/optimizer';
import { expectClose } from './helpers';
import { readTrajectories, type Trajectory } from './trajectories';

type Vector = Trajectory;

const vectors = readTrajectories('vectors');

/** The vector's optimizer; its absent options take PyTorch's defaults, as blastrain's do. */
function optimizerFor(v: Vector): Optimizer {
  const { type, ...options } = v.optimizer;
  const classes: Record<string, new (o: object) => Optimizer> = { sgd: SGD, adam: Adam, adamw: AdamW, rmsprop: RMSprop };
  const Class = classes[type];
  if (Class === undefined) throw new Error(`no optimizer for vector type ${type}`);
  return new Class(options);
}

function modelFor(v: Vector, backend: 'native' | 'js', optimizer: Optimizer): Sequential {
  const layers = v.layers.map((l) => new Dense(l.out, { activation: l.activation, leakyReluAlpha: v.leakyReluAlpha }));
  const model = new Sequential({ inputSize: v.layers[0]!.in, layers, backend });
  model.params.set(v.params0);
  model.compile({ loss: v.loss, optimizer });
  return model;
}

test('every reference vector is present', () => {
  expect(vectors.map((v) => v.name).sort()).toEqual([
    // from shared/vectors
    'adam-ce', 'adamw-mse', 'rmsprop-mse',
    'sgd-dampening-leakyrelu-mse', 'sgd-momentum-ce-relu', 'sgd-mse-tanh', 'sgd-nesterov-wd-bce-sigmoid',
    // from scripts/generate-vectors.py
    'adam-amsgrad-l2-bce', 'adamw-amsgrad-ce', 'leakyrelu-alpha-ce', 'rmsprop-centered-momentum-ce', 'rmsprop-momentum-mse',
    'sgd-weightdecay-mse',
  ].sort());
});

describe.each(vectors)('$name', (v) => {
  const x = Float32Array.from(v.x);
  const targetKinds = v.labels ? (['one-hot rows', 'class labels'] as const) : (['rows'] as const);

  describe.each(['native', 'js'] as const)('%s backend', (backend) => {
    test.each(targetKinds)('grads0 from forward + backward (%s targets)', (kind) => {
      const model = modelFor(v, backend, optimizerFor(v));
      const rows = Math.min(v.batchSize, v.samples);
      model.forward(x.subarray(0, rows * v.layers[0]!.in));
      const K = model.outputSize;
      const y = kind === 'class labels' ? Int32Array.from(v.labels!.slice(0, rows)) : Float32Array.from(v.y.slice(0, rows * K));
      const loss = model.backward(y);
      expectClose([loss], [v.losses[0]!], 1e-4, 1e-6, 'first loss');
      expectClose(model.grads, v.grads0, 1e-4, 1e-5, 'grads0');
    });

    test.each(targetKinds)('trainStep over every batch (%s targets)', (kind) => {
      const model = modelFor(v, backend, optimizerFor(v));
      const K = model.outputSize;
      const C = model.inputSize;
      const losses: number[] = [];
      for (let epoch = 0; epoch < v.epochs; epoch++) {
        for (let start = 0; start < v.samples; start += v.batchSize) {
          const end = Math.min(v.samples, start + v.batchSize);
          const y = kind === 'class labels' ? Int32Array.from(v.labels!.slice(start, end)) : Float32Array.from(v.y.slice(start * K, end * K));
          losses.push(model.trainStep(x.subarray(start * C, end * C), y));
        }
      }
      expectClose(losses, v.losses, 1e-4, 1e-5, 'losses');
      expectClose(model.params, v.paramsFinal, 1e-4, 1e-5, 'paramsFinal');
      expectClose(model.predict(x), v.predictionsFinal, 1e-4, 1e-5, 'predictionsFinal');
    });

    test.each(targetKinds)('fit({ shuffle: false }) (%s targets)', async (kind) => {
      const model = modelFor(v, backend, optimizerFor(v));
      const y = kind === 'class labels' ? Int32Array.from(v.labels!) : Float32Array.from(v.y);
      const history = await model.fit(x, y, { epochs: v.epochs, batchSize: v.batchSize, shuffle: false });
      expect(history.loss).toHaveLength(v.epochs);
      // An epoch's loss is the row-weighted mean of its batch losses.
      const perEpoch = Math.ceil(v.samples / v.batchSize);
      const expected = Array.from({ length: v.epochs }, (_, e) => {
        let sum = 0;
        for (let b = 0; b < perEpoch; b++) sum += v.losses[e * perEpoch + b]! * Math.min(v.batchSize, v.samples - b * v.batchSize);
        return sum / v.samples;
      });
      expectClose(history.loss, expected, 1e-4, 1e-5, 'epoch losses');
      expectClose(model.params, v.paramsFinal, 1e-4, 1e-5, 'paramsFinal');
      expectClose(model.predict(x), v.predictionsFinal, 1e-4, 1e-5, 'predictionsFinal');
      expect(model.optimizer!.stepCount).toBe(v.losses.length);
    });
  });
});
