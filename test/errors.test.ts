// Bad input gets a typed error that names the argument, what was expected and what came; the
// model keeps working afterwards.
import { describe, expect, test } from 'vitest';
import {
  Dense, DetachedBufferError, InvalidArgumentError, NonFiniteLossError, NotCompiledError, SGD, Sequential,
  ShapeError, StateError, type BlastrainError,
} from '../lib/index';
import { thrown } from './helpers';

function detach(a: ArrayBufferView): void {
  structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
}

function expectError(fn: () => unknown, type: new (...args: never[]) => BlastrainError, code: string, message: RegExp): void {
  const caught = thrown(fn);
  expect(caught).toBeInstanceOf(type);
  expect((caught as BlastrainError).code).toBe(code);
  expect((caught as Error).message).toMatch(message);
}

describe.each(['native', 'js'] as const)('errors (%s backend)', (backend) => {
  function classifier() {
    const model = new Sequential({ inputSize: 2, backend, layers: [new Dense(4, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1 }) });
    return model;
  }
  const x = new Float32Array([0, 1, 1, 0, 1, 1]);
  const labels = new Int32Array([0, 1, 2]);

  /** After every bad call the same model must still train and predict. */
  function stillWorks(model: Sequential) {
    expect(Number.isFinite(model.trainStep(x, labels))).toBe(true);
    expect(model.predict(x).every(Number.isFinite)).toBe(true);
  }

  test('wrong typed-array kind for x', () => {
    const model = classifier();
    expectError(() => model.predict(new Float64Array(6) as never), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /Expected Float32Array .* for x but received Float64Array of length 6/);
    expectError(() => model.predict('abc' as never), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /for x but received 'abc' of type string/);
    stillWorks(model);
  });

  test('x length not a multiple of the input size', () => {
    const model = classifier();
    expectError(() => model.predict(new Float32Array(5)), ShapeError, 'ERR_BLASTRAIN_SHAPE', /multiple of inputSize 2 but received Float32Array of length 5/);
    expectError(() => model.predict([[1, 2], [3]]), ShapeError, 'ERR_BLASTRAIN_SHAPE', /x\[1\] to be an array of 2 numbers/);
    expectError(() => model.predict(new Float32Array(0)), ShapeError, 'ERR_BLASTRAIN_SHAPE', /at least one sample/);
    stillWorks(model);
  });

  test('x and y sample counts differ', async () => {
    const model = classifier();
    expectError(() => model.trainStep(x, new Int32Array([0, 1])), ShapeError, 'ERR_BLASTRAIN_SHAPE', /3 class labels .* received Int32Array of length 2/);
    expectError(() => model.trainStep(x, new Float32Array(6)), ShapeError, 'ERR_BLASTRAIN_SHAPE', /3 samples × 3 outputs = 9 values/);
    await expect(model.fit(x, new Float32Array(12))).rejects.toThrow(ShapeError);
    stillWorks(model);
  });

  test('class labels out of range or not allowed', () => {
    const model = classifier();
    expectError(() => model.trainStep(x, new Int32Array([0, 3, 1])), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /labels in \[0, 2\] for y but received 3 at index 1/);
    expectError(() => model.trainStep(x, new Int8Array([0, -1, 1])), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /received -1 at index 1/);
    expectError(() => model.trainStep(x, [0, 1.5, 2]), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /integer class labels/);
    const regression = new Sequential({ inputSize: 2, backend, layers: [new Dense(3)] });
    regression.compile({ loss: 'mse', optimizer: new SGD() });
    expectError(() => regression.trainStep(x, labels), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /integer class labels need loss 'categoricalCrossentropy'/);
    stillWorks(model);
  });

  test('NaN or infinite values in x or y', () => {
    const model = classifier();
    expectError(() => model.trainStep(new Float32Array([0, 1, NaN, 0, 1, 1]), labels), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /finite numbers in x but received NaN at index 2 \(sample 1, column 0\)/);
    const y = new Float32Array(9);
    y[4] = Infinity;
    expectError(() => model.trainStep(x, y), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /finite numbers in y but received Infinity at index 4/);
    stillWorks(model);
  });

  test('the first non-finite value of a large input is found exactly, wherever it sits', () => {
    // The native scan tests blocks of 4,096 values branch-free and searches only a failing one.
    const wide = new Sequential({ inputSize: 1000, backend, layers: [new Dense(2)] });
    for (const [at, value, later] of [[0, NaN, 5], [4095, Infinity, 4096], [4096, -Infinity, 9000], [8191, NaN, 8192], [9999, NaN, undefined]] as const) {
      const rows = new Float32Array(10_000);
      rows[at] = value;
      if (later !== undefined) rows[later] = NaN; // a later one is not the first
      expectError(() => wide.predict(rows), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT',
        new RegExp(`received ${value} at index ${at} \\(sample ${Math.floor(at / 1000)}, column ${at % 1000}\\)`));
    }
    expect(wide.predict(new Float32Array(10_000))).toHaveLength(20);
  });

  test('NaN learning rate and other bad optimizer options', () => {
    expectError(() => new SGD({ lr: NaN }), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /Expected finite number >= 0 for lr but received NaN of type number/);
    expectError(() => new SGD({ lr: 0.1, momentum: -1 }), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /for momentum but received -1/);
    expectError(() => new SGD({ lr: 0.1, nesterov: true }), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /Nesterov momentum requires momentum > 0/);
    expectError(() => new SGD({ learningRate: 0.1 } as never), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /Unknown option 'learningRate' in SGD options/);
    const model = classifier();
    expectError(() => { model.optimizer!.lr = NaN; }, InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /for lr but received NaN/);
    stillWorks(model);
  });

  test('unknown names suggest the closest known one', async () => {
    expectError(() => new Dense(4, { activation: 'rleu' as never }), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /received 'rleu' of type string; did you mean 'relu'\?/);
    const model = classifier();
    expectError(() => model.compile({ loss: 'categoricalCrossEntropy' as never, optimizer: new SGD() }), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /did you mean 'categoricalCrossentropy'\?/);
    await expect(model.fit(x, labels, { epoch: 3 } as never)).rejects.toThrow(/Unknown option 'epoch' in fit options; did you mean 'epochs'\?/);
    expectError(() => new Sequential({ inputSize: 2, layer: [] } as never), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /did you mean 'layers'\?/);
    expectError(() => model.compile({ loss: 'binaryCrossentropy', optimizer: new SGD() }), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /last layer's activation to be 'sigmoid'/);
    stillWorks(model);
  });

  test('a Dense layer belongs to one model, and a refused model binds none of its layers', () => {
    const shared = new Dense(3, { activation: 'softmax' });
    const free = new Dense(4, { activation: 'relu' });
    expectError(() => new Sequential({ inputSize: 2, backend, layers: [free, shared, shared] }), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /one model, once/);
    new Sequential({ inputSize: 2, backend, layers: [shared] });
    expectError(() => new Sequential({ inputSize: 2, backend, layers: [free, shared] }), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /one model, once/);
    const model = new Sequential({ inputSize: 2, backend, layers: [free, new Dense(3, { activation: 'softmax' })] });
    expect(free.weight.buffer).toBe(model.params.buffer);
  });

  test('sharp-style messages for numbers', async () => {
    const model = classifier();
    await expect(model.fit(x, labels, { batchSize: -3 })).rejects.toThrow('Expected positive integer for batchSize but received -3 of type number');
    expectError(() => new Dense(0), InvalidArgumentError, 'ERR_BLASTRAIN_INVALID_ARGUMENT', /Expected positive integer for units but received 0 of type number/);
    stillWorks(model);
  });

  test('model used before compile, backward before forward', async () => {
    const model = new Sequential({ inputSize: 2, backend, layers: [new Dense(3, { activation: 'softmax' })] });
    expectError(() => model.trainStep(x, labels), NotCompiledError, 'ERR_BLASTRAIN_NOT_COMPILED', /before compile/);
    await expect(model.fit(x, labels)).rejects.toThrow(NotCompiledError);
    expectError(() => model.evaluate(x, labels), NotCompiledError, 'ERR_BLASTRAIN_NOT_COMPILED', /evaluate\(\) before compile/);
    expectError(() => new SGD().step(), NotCompiledError, 'ERR_BLASTRAIN_NOT_COMPILED', /optimizer.step\(\) before model.compile/);
    expect(model.predict(x)).toHaveLength(9); // inference needs no loss
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD() });
    expectError(() => model.backward(labels), StateError, 'ERR_BLASTRAIN_STATE', /backward\(\) before forward\(\)/);
    model.forward(x);
    model.predict(x); // reuses the workspace, so the activations are gone
    expectError(() => model.backward(labels), StateError, 'ERR_BLASTRAIN_STATE', /before forward/);
  });

  test('detached buffers', () => {
    const model = classifier();
    const gone = x.slice();
    detach(gone);
    expectError(() => model.predict(gone), DetachedBufferError, 'ERR_BLASTRAIN_DETACHED_BUFFER', /for x but its ArrayBuffer is detached/);
    const goneLabels = labels.slice();
    detach(goneLabels);
    expectError(() => model.trainStep(x, goneLabels), DetachedBufferError, 'ERR_BLASTRAIN_DETACHED_BUFFER', /for y/);
    stillWorks(model);
  });

  test('model buffers cannot be taken away: a transfer copies (Node 20) or throws (Node ≥ 22)', () => {
    const model = classifier();
    model.trainStep(x, labels);
    for (const buffer of [model.params, model.grads, model.optimizer!.state]) {
      try {
        detach(buffer);
      } catch (e) {
        expect((e as Error).name).toBe('DataCloneError');
      }
      expect(buffer.length).toBeGreaterThan(0);
    }
    stillWorks(model);
  });

  test('a loss that turns non-finite stops fit, naming epoch and batch, without applying it', async () => {
    const model = new Sequential({ inputSize: 2, backend, layers: [new Dense(2)] });
    model.compile({ loss: 'mse', optimizer: new SGD({ lr: 0.01 }) });
    model.params.fill(1);
    // Finite inputs whose weighted sum (≈ 6e38) overflows float32 in the third sample.
    const overflowing = new Float32Array([0, 1, 1, 0, 3e38, 3e38]);
    const y = new Float32Array(6);
    const before = model.params.slice();
    const error = await model.fit(overflowing, y, { epochs: 2, batchSize: 2, shuffle: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(error).toMatchObject({ code: 'ERR_BLASTRAIN_NON_FINITE_LOSS', epoch: 1, batch: 2 });
    expect((error as Error).message).toMatch(/Loss became (Infinity|NaN) at epoch 1, batch 2/);
    expect(model.optimizer!.stepCount).toBe(1); // batch 1 applied, batch 2 not
    expect(model.params).not.toEqual(before);
    expect(model.params.every(Number.isFinite)).toBe(true);
    expect(model.grads.every((g) => g === 0)).toBe(true);
    expectError(() => model.trainStep(overflowing, y), NonFiniteLossError, 'ERR_BLASTRAIN_NON_FINITE_LOSS', /in trainStep/);
    expect(Number.isFinite(model.trainStep(x, new Float32Array(6)))).toBe(true);
  });
});
