// Every refusal of the Sequential API with its exact message and class, and what the model is
// left with afterwards (nothing bound, weights unchanged). errors.test.ts covers the classes and
// codes; this pins the words a user reads.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  Dataset, Dense, Dropout, FileError, InvalidArgumentError, MinMaxScaler, ModelFormatError, NotCompiledError, SGD, Sequential, ShapeError, StateError,
} from '../lib/index';
import { scratchDir, thrown } from './helpers';

const dir = scratchDir('model-errors');

async function rejection(run: () => Promise<unknown>): Promise<Error> {
  return (await run().then(() => undefined, (error: unknown) => error)) as Error;
}

const compiled = (seed = 1) => {
  const model = new Sequential({ inputSize: 2, seed, layers: [new Dense(3, { activation: 'relu' }), new Dense(2, { activation: 'softmax' })] });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1 }) });
  return model;
};
const x = Float32Array.of(0, 1, 1, 0, 1, 1, 0, 0);
const y = Int32Array.of(1, 1, 0, 0);

describe('building and compiling', () => {
  test('layers: a non-empty list of Dense and Dropout, a Dense last, each layer once and unowned', () => {
    const layersMessage = (what: string) => `Expected non-empty array of Dense and Dropout layers for layers but received ${what}`;
    expect(thrown(() => new Sequential({ inputSize: 2, layers: [] }))).toEqual(new InvalidArgumentError(layersMessage('array')));
    expect(thrown(() => new Sequential({ inputSize: 2, layers: [{ units: 3 }] as never }))).toEqual(new InvalidArgumentError(layersMessage('array')));
    expect(thrown(() => new Sequential({ inputSize: 2, layers: new Dense(2) as never }))).toEqual(new InvalidArgumentError(layersMessage('Object')));
    expect(thrown(() => new Sequential({ inputSize: 2, layers: [new Dense(2), new Dropout(0.5)] }))).toEqual(
      new InvalidArgumentError('Expected a Dense layer last (the output layer) but received Dropout'));
    const shared = new Dense(2);
    const again = 'Each layer can belong to one model, once; create a new layer for every place it is used';
    expect(thrown(() => new Sequential({ inputSize: 2, layers: [shared, shared] }))).toEqual(new InvalidArgumentError(again));
    // The refused model bound nothing: the layer still goes into one model, and then into no other.
    new Sequential({ inputSize: 2, layers: [shared] });
    expect(thrown(() => new Sequential({ inputSize: 2, layers: [shared] }))).toEqual(new InvalidArgumentError(again));
    expect(thrown(() => new Sequential({ inputSize: 2, seed: 1.5, layers: [new Dense(1)] }))).toEqual(new InvalidArgumentError('Expected integer for seed but received 1.5 of type number'));
    expect(thrown(() => new Sequential({ inputSize: 2, backend: 'gpu' as never, layers: [new Dense(1)] }))).toEqual(
      new InvalidArgumentError("Expected one of 'native', 'js' for backend but received 'gpu' of type string"));
    expect(thrown(() => new Sequential({ inputSize: 0, layers: [new Dense(1)] }))).toEqual(new InvalidArgumentError('Expected positive integer for inputSize but received 0 of type number'));
    expect(thrown(() => new Sequential({ inputSize: 2 ** 16, layers: [new Dense(2 ** 15)] }))).toEqual(
      new InvalidArgumentError('Expected fewer than 2^31 parameters in total for layers but received 2147516416 of type number'));
    expect(new Sequential({ inputSize: 2, layers: [new Dense(1)] }).seed).toBe(42);
  });

  test('compile: an Optimizer instance, and the activation each cross-entropy is fused with', () => {
    const model = new Sequential({ inputSize: 2, layers: [new Dense(2, { activation: 'relu' })] });
    expect(thrown(() => model.compile({ loss: 'mse', optimizer: { lr: 0.1 } as never }))).toEqual(
      new InvalidArgumentError('Expected Optimizer instance such as new SGD({ lr: 0.01 }) for optimizer but received Object'));
    expect(thrown(() => model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD() }))).toEqual(new InvalidArgumentError(
      "Expected the last layer's activation to be 'softmax' for loss 'categoricalCrossentropy' (the two are fused and computed from logits) but received 'relu'"));
    expect(thrown(() => model.compile({ loss: 'binaryCrossentropy', optimizer: new SGD() }))).toEqual(new InvalidArgumentError(
      "Expected the last layer's activation to be 'sigmoid' for loss 'binaryCrossentropy' (the two are fused and computed from logits) but received 'relu'"));
    expect(() => model.compile({ loss: 'mse', optimizer: new SGD() })).not.toThrow();
    expect(thrown(() => new Sequential({ inputSize: 2, layers: [new Dense(1)] }).trainStep(x, Float32Array.of(1, 2, 3, 4)))).toEqual(
      new NotCompiledError('Cannot call trainStep() before compile({ loss, optimizer })'));
  });

  test('setPreprocessing: a fitted scaler of the model\'s width, or null to remove it', async () => {
    const model = compiled();
    expect(thrown(() => model.setPreprocessing({} as never))).toEqual(new InvalidArgumentError('Expected fitted StandardScaler or MinMaxScaler, or null for scaler but received Object'));
    const three = await new MinMaxScaler().fit(Float32Array.of(1, 2, 3), { features: 3 });
    expect(thrown(() => model.setPreprocessing(three))).toEqual(new ShapeError("Expected a scaler fitted on 2 features (the model's inputSize) but it was fitted on 3"));
    model.setPreprocessing(await new MinMaxScaler().fit(x, { features: 2 }));
    expect(model.preprocessing).toEqual({ type: 'minMax', offset: [0, 0], factor: [1, 1] });
    model.setPreprocessing(null);
    expect(model.preprocessing).toBeUndefined();
  });
});

describe('training calls', () => {
  test('backward and computeLoss need a forward first', () => {
    const model = compiled();
    expect(thrown(() => model.backward(y))).toEqual(new StateError('Cannot call backward() before forward(): it needs the activations of a batch'));
    expect(thrown(() => model.computeLoss(y))).toEqual(new StateError('Cannot call computeLoss() before forward(): it needs the activations of a batch'));
  });

  test('validation: data or a split, not both; a split that holds out no row or every row; a pair for validationData', async () => {
    const model = compiled();
    const before = model.params.slice();
    expect(await rejection(() => model.fit(x, y, { validationData: [x, y], validationSplit: 0.5 }))).toEqual(
      new InvalidArgumentError('Expected validationData or validationSplit, not both'));
    expect(await rejection(() => model.fit(x, y, { validationSplit: 0.2 }))).toEqual(
      new InvalidArgumentError('Expected validationSplit to hold out between 1 and 3 of the 4 rows but 0.2 holds out 0'));
    expect(await rejection(() => model.fit(x, y, { validationData: [x] as never }))).toEqual(new InvalidArgumentError('Expected [x, y] pair for validationData but received array'));
    expect(await rejection(() => model.fit(x, y, { validationSplit: 1.5 }))).toEqual(new InvalidArgumentError('Expected finite number between 0 and 1 for validationSplit but received 1.5 of type number'));
    expect(model.params).toEqual(before);
    // A split of 0.5 trains on the first two rows and reports the last two.
    const history = await model.fit(x, y, { validationSplit: 0.5, epochs: 1, batchSize: 4 });
    const reference = compiled();
    await reference.fit(x.subarray(0, 4), y.subarray(0, 2), { epochs: 1, batchSize: 4 });
    expect(model.params).toEqual(reference.params);
    expect(history.valLoss![0]).toBeCloseTo(reference.evaluate(x.subarray(4), y.subarray(2)).loss, 6);
  });

  test('streams: batches must be { x, y } objects; a split is for arrays; an empty validation stream is named', async () => {
    const model = compiled();
    expect(await rejection(() => model.fit(Dataset.from(() => [3 as never]), { epochs: 1 }))).toEqual(
      new InvalidArgumentError('Expected { x, y } batch for batch 0 of the stream but received 3 of type number'));
    expect(await rejection(() => model.fit(Dataset.from(() => [{ x, y }, 'second' as never]), { epochs: 1 }))).toEqual(
      new InvalidArgumentError("Expected { x, y } batch for batch 1 of the stream but received 'second' of type string"));
    expect(await rejection(() => model.fit(Dataset.from(() => [{ x, y, weights: 1 } as never]), { epochs: 1 }))).toEqual(
      new InvalidArgumentError("Unknown option 'weights' in batch 0 of the stream (known options: x, y)"));
    expect(await rejection(() => model.fit(Dataset.from(() => [{ x, y }]), { validationSplit: 0.5 }))).toEqual(new InvalidArgumentError(
      'Expected no value for a stream (split it with dataset.split(fraction) and pass validationData) for validationSplit but received 0.5 of type number'));
    expect(await rejection(() => model.fit(Dataset.from(() => [{ x, y }]), { validationData: Dataset.from(() => []) }))).toEqual(
      new InvalidArgumentError('Expected at least one batch in the validation stream but it was empty'));
  });
});

test('onBatchEnd gets each batch\'s index within its epoch and its rows; gradNorm only when asked for', async () => {
  const model = compiled();
  const seen: [number, number, boolean][] = [];
  const xs = Float32Array.from({ length: 20 }, (_, i) => i % 3);
  const ys = Int32Array.from({ length: 10 }, (_, i) => i % 2);
  await model.fit(xs, ys, { epochs: 2, batchSize: 4, shuffle: false, callbacks: { onBatchEnd: (batch, logs) => void seen.push([batch, logs.size, 'gradNorm' in logs]) } });
  expect(seen).toEqual([[0, 4, false], [1, 4, false], [2, 2, false], [0, 4, false], [1, 4, false], [2, 2, false]]);
  const norms: number[] = [];
  await model.fit(xs, ys, { epochs: 1, batchSize: 4, logGradNorm: true, callbacks: { onBatchEnd: (_, logs) => void norms.push(logs.gradNorm!) } });
  expect(norms).toHaveLength(3);
  for (const norm of norms) expect(norm).toBeGreaterThan(0);
});

describe('files', () => {
  test('paths must be non-empty strings; unwritable ones are FileErrors naming the path', async () => {
    const model = compiled();
    for (const [call, name] of [
      [() => model.save(''), 'path'], [() => Sequential.load(''), 'path'], [() => model.exportTfjs(''), 'dir'],
      [() => Sequential.fromTfjs(''), 'dir'], [() => model.exportOnnx(''), 'path'],
    ] as const) {
      expect(await rejection(call)).toEqual(new InvalidArgumentError(`Expected non-empty string for ${name} but received '' of type string`));
    }
    const nowhere = path.join(dir, 'no', 'such', 'm.safetensors');
    const saving = await rejection(() => model.save(nowhere));
    expect(saving).toBeInstanceOf(FileError);
    expect(saving.message).toMatch(new RegExp(`^Cannot save the model to ${nowhere.replace(/[/.]/g, '\\$&')}: `));
    const onnx = await rejection(() => model.exportOnnx(path.join(dir, 'no', 'm.onnx')));
    expect(onnx).toBeInstanceOf(FileError);
    expect(onnx.message).toMatch(/^Cannot write the ONNX model to .*no\/m\.onnx: /);
    expect(thrown(() => new Sequential({ inputSize: 2, layers: [new Dense(1)] }).toBuffer({ optimizer: true }))).toEqual(
      new NotCompiledError('Cannot toBuffer with { optimizer: true } before compile({ loss, optimizer })'));
    expect(await rejection(() => Sequential.fromBuffer('abc' as never))).toEqual(new InvalidArgumentError("Expected Buffer or Uint8Array for bytes but received 'abc' of type string"));
    expect(await rejection(() => Sequential.fromTfjs(dir, { seed: 0.5 }))).toEqual(new InvalidArgumentError('Expected integer for seed but received 0.5 of type number'));
  });

  test('loadWeights: rename must be a function returning names; two files names on one model name are refused; strict lists what differs', async () => {
    const model = compiled();
    const file = path.join(dir, 'w.safetensors');
    await compiled(2).save(file);
    const before = model.params.slice();
    expect(await rejection(() => model.loadWeights(file, { rename: 'x' as never }))).toEqual(new InvalidArgumentError("Expected function for rename but received 'x' of type string"));
    expect(await rejection(() => model.loadWeights(file, { rename: () => 3 as never }))).toEqual(
      new InvalidArgumentError("Expected string or undefined for rename('0.weight') but received 3 of type number"));
    const collision = await rejection(() => model.loadWeights(file, { rename: () => '0.weight' }));
    expect(collision).toBeInstanceOf(ModelFormatError);
    expect(collision.message).toBe(`${file}: tensors '0.weight' and '0.bias' both map to '0.weight'`);
    const strict = await rejection(() => model.loadWeights(file, { rename: (name) => (name === '2.bias' ? 'extra' : name) }));
    expect(strict.message).toBe(`${file} does not match the model (strict): missing 2.bias; unexpected extra. Pass { strict: false } to load what matches, or { rename } to map names`);
    expect(model.params).toEqual(before);
    expect(await model.loadWeights(file, { strict: false, rename: (name) => (name === '2.bias' ? undefined : name) })).toEqual({ missing: ['2.bias'], unexpected: [] });
    expect(model.params).not.toEqual(before);
    writeFileSync(path.join(dir, 'not-a-model.bin'), 'hello');
    expect(await rejection(() => model.loadWeights(path.join(dir, 'not-a-model.bin')))).toBeInstanceOf(ModelFormatError);
  });
});
