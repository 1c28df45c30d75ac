// TensorFlow.js model files built here by hand (no tfjs): what exportTfjs writes, field by
// field, and every way fromTfjs refuses a directory, with its message. tfjs.test.ts checks the
// round trip through the real TensorFlow.js.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Dense, Dropout, FileError, ModelFormatError, Sequential } from '../../lib/index';
import { scratchDir } from '../helpers';

const dir = scratchDir('tfjs-files');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
/** A model directory with this model.json (an object is stringified) and these weight files. */
function modelDir(modelJson: unknown, files: Record<string, Float32Array | Buffer> = {}): string {
  const at = path.join(dir, `m${count++}`);
  mkdirSync(at, { recursive: true });
  writeFileSync(path.join(at, 'model.json'), typeof modelJson === 'string' ? modelJson : JSON.stringify(modelJson));
  for (const [name, data] of Object.entries(files)) writeFileSync(path.join(at, name), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return at;
}

const dense = (name: string, units: number, extra: Record<string, unknown> = {}) => ({ class_name: 'Dense', config: { name, units, activation: 'linear', use_bias: true, ...extra } });
const spec = (name: string, shape: number[]) => ({ name, shape, dtype: 'float32' });
/** A 2 → 3 → 1 model: kernels (in, out) row-major, then biases. */
const twoLayer = (layers: unknown[] = [dense('a', 3, { batch_input_shape: [null, 2] }), dense('b', 1)]) => ({
  modelTopology: { class_name: 'Sequential', config: { name: 's', layers } },
  weightsManifest: [{ paths: ['w.bin'], weights: [spec('a/kernel', [2, 3]), spec('a/bias', [3]), spec('b/kernel', [3, 1]), spec('b/bias', [1])] }],
});
const twoLayerWeights = Float32Array.from({ length: 13 }, (_, i) => i + 1);

async function refusal(at: string): Promise<unknown> {
  return Sequential.fromTfjs(at).then(() => undefined, (e: unknown) => e);
}
async function formatError(at: string): Promise<string> {
  const error = await refusal(at);
  expect(error).toBeInstanceOf(ModelFormatError);
  return (error as Error).message.replace(`${path.join(at, 'model.json')}: `, '');
}

describe('fromTfjs', () => {
  test('transposes each kernel into (out, in) rows and keeps the biases, across weight files in manifest order', async () => {
    const json = twoLayer();
    json.weightsManifest = [
      { paths: ['w1.bin'], weights: [spec('a/kernel', [2, 3])] },
      { paths: ['w2.bin', 'w3.bin'], weights: [spec('a/bias', [3]), spec('b/kernel', [3, 1]), spec('b/bias', [1])] },
    ];
    const at = modelDir(json, { 'w1.bin': twoLayerWeights.subarray(0, 6), 'w2.bin': twoLayerWeights.subarray(6, 8), 'w3.bin': twoLayerWeights.subarray(8) });
    const model = await Sequential.fromTfjs(at);
    expect(model.inputSize).toBe(2);
    // kernel a = [[1,2,3],[4,5,6]] (in × out) → W = [[1,4],[2,5],[3,6]]
    expect(Array.from(model.params)).toEqual([1, 4, 2, 5, 3, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(model.predict(Float32Array.of(1, 0))[0]).toBeCloseTo((1 + 7) * 10 + (2 + 8) * 11 + (3 + 9) * 12 + 13, 3);
  });

  test('reads older layouts: the layer list as the config itself, batchInputShape, an InputLayer first; LeakyReLU folds into the Dense before it (alpha 0.3 by default)', async () => {
    const json = {
      modelTopology: { class_name: 'Sequential', config: [
        { class_name: 'InputLayer', config: { batchInputShape: [null, 2], name: 'in' } },
        dense('a', 3), { class_name: 'LeakyReLU', config: { name: 'l' } }, { class_name: 'Dropout', config: { rate: 0.5, name: 'd' } }, dense('b', 1, { activation: 'sigmoid' }),
      ] },
      weightsManifest: twoLayer().weightsManifest,
    };
    const model = await Sequential.fromTfjs(modelDir(json, { 'w.bin': twoLayerWeights }));
    expect(model.inputSize).toBe(2);
    expect(model.layers.map((l) => [l.kind, l.units, l.activation, l.leakyReluAlpha])).toEqual([
      ['dense', 3, 'leakyRelu', 0.3], ['dropout', 3, 'linear', 0], ['dense', 1, 'sigmoid', 0.01]]);
    expect(model.layers[1]).toBeInstanceOf(Dropout);
    expect((model.layers[1] as Dropout).rate).toBe(0.5);
  });

  test('files that cannot be read are FileErrors naming them', async () => {
    const missing = path.join(dir, 'nothing-here');
    const error = await refusal(missing);
    expect(error).toBeInstanceOf(FileError);
    expect((error as Error).message).toMatch(new RegExp(`^Cannot read ${path.join(missing, 'model.json')}: ENOENT`));
    expect(error).toMatchObject({ cause: { code: 'ENOENT' } });
    const noWeights = modelDir(twoLayer());
    const weightsError = await refusal(noWeights);
    expect(weightsError).toBeInstanceOf(FileError);
    expect((weightsError as Error).message).toMatch(new RegExp(`^Cannot read the weights ${path.join(noWeights, 'w.bin')}: ENOENT`));
    expect(weightsError).toMatchObject({ cause: { code: 'ENOENT' } });
  });

  test('a model.json that is not a Sequential layers model with a weights manifest', async () => {
    expect(await formatError(modelDir('{"modelTopology":'))).toBe('not JSON');
    for (const topology of [undefined, null, 'Sequential', { class_name: 'Model', config: { layers: [] } }]) {
      expect(await formatError(modelDir({ modelTopology: topology, weightsManifest: [] }))).toBe('only Sequential layers models can be imported');
    }
    for (const config of [undefined, {}, { layers: [] }, [], { layers: 'dense' }]) {
      expect(await formatError(modelDir({ modelTopology: { class_name: 'Sequential', config }, weightsManifest: [] }))).toBe('modelTopology has no layers');
    }
    for (const manifest of [undefined, {}, 'w.bin']) {
      expect(await formatError(modelDir({ ...twoLayer(), weightsManifest: manifest }))).toBe('weightsManifest is missing');
    }
    for (const entry of [{ paths: ['w.bin'] }, { weights: [] }, { paths: 'w.bin', weights: [] }]) {
      expect(await formatError(modelDir({ ...twoLayer(), weightsManifest: [entry] }))).toBe('weightsManifest entries need paths and weights');
    }
  });

  test('weight paths stay beside model.json', async () => {
    for (const [p, shown] of [['../w.bin', '"../w.bin"'], ['sub/../../w.bin', '"sub/../../w.bin"'], ['..\\w.bin', '"..\\\\w.bin"'], ['/etc/passwd', '"/etc/passwd"'], [3, '3']] as const) {
      expect(await formatError(modelDir({ ...twoLayer(), weightsManifest: [{ paths: [p], weights: [] }] }))).toBe(`weight path ${shown} is not a file beside model.json`);
    }
    // A subfolder is fine.
    const json = { ...twoLayer(), weightsManifest: [{ paths: ['sub/w.bin'], weights: twoLayer().weightsManifest[0]!.weights }] };
    const at = modelDir(json);
    mkdirSync(path.join(at, 'sub'));
    writeFileSync(path.join(at, 'sub', 'w.bin'), Buffer.from(twoLayerWeights.buffer));
    expect((await Sequential.fromTfjs(at)).params).toHaveLength(13);
  });

  test('weights: float32, a shape of non-negative integers, all of them in the files', async () => {
    const withSpecs = (weights: unknown[], data = twoLayerWeights) => modelDir({ ...twoLayer(), weightsManifest: [{ paths: ['w.bin'], weights }] }, { 'w.bin': data });
    expect(await formatError(withSpecs([{ name: 'a/kernel', shape: [2, 3], dtype: 'int32' }]))).toBe('weight a/kernel is int32; only float32 weights can be imported');
    for (const [shape, shown] of [[[2, -3], '[2,-3]'], [[1.5], '[1.5]'], [undefined, 'undefined'], [['2'], '["2"]']] as const) {
      expect(await formatError(withSpecs([{ name: 'a/kernel', shape, dtype: 'float32' }]))).toBe(`weight a/kernel has shape ${shown}`);
    }
    expect(await formatError(withSpecs(twoLayer().weightsManifest[0]!.weights, twoLayerWeights.subarray(0, 12)))).toBe('the weight files end before weight b/bias');
    // Exactly as many bytes as the weights need is enough.
    expect((await Sequential.fromTfjs(withSpecs(twoLayer().weightsManifest[0]!.weights, twoLayerWeights.subarray(0, 13)))).params).toHaveLength(13);
    expect(await formatError(withSpecs(twoLayer().weightsManifest[0]!.weights.slice(0, 3), twoLayerWeights.subarray(0, 12)))).toBe('the weights of layer b are missing');
    const noKernel = twoLayer().weightsManifest[0]!.weights.filter((w) => w.name !== 'b/kernel');
    expect(await formatError(withSpecs(noKernel, twoLayerWeights.subarray(0, 10)))).toBe('the weights of layer b are missing');
    // Cut inside the first kernel (6 values, 5 there).
    expect(await formatError(withSpecs(twoLayer().weightsManifest[0]!.weights, twoLayerWeights.subarray(0, 5)))).toBe('the weight files end before weight a/kernel');
    // A weight of no values takes no bytes, and one the layers do not use is ignored.
    expect((await Sequential.fromTfjs(withSpecs([...twoLayer().weightsManifest[0]!.weights, spec('unused', [0, 3])]))).params).toHaveLength(13);
  });

  test('the input width and each layer\'s weights must fit', async () => {
    expect(await formatError(modelDir(twoLayer([dense('a', 3), dense('b', 1)]), { 'w.bin': twoLayerWeights }))).toBe('the first layer has no batch_input_shape');
    expect(await formatError(modelDir(twoLayer([dense('a', 3, { batch_input_shape: [null, '2'] }), dense('b', 1)]), { 'w.bin': twoLayerWeights }))).toBe('the first layer has no batch_input_shape');
    expect(await formatError(modelDir(twoLayer([dense('a', 3, { batch_input_shape: [null, 3] }), dense('b', 1)]), { 'w.bin': twoLayerWeights }))).toBe(
      "layer 1's weights do not fit 3 inputs and 3 units");
    expect(await formatError(modelDir(twoLayer([dense('a', 3, { batch_input_shape: [null, 2] }), dense('b', 2)]), { 'w.bin': twoLayerWeights }))).toBe(
      "layer 2's weights do not fit 3 inputs and 2 units");
    const longBias = { ...twoLayer(), weightsManifest: [{ paths: ['w.bin'], weights: [spec('a/kernel', [2, 3]), spec('a/bias', [4]), spec('b/kernel', [3, 1]), spec('b/bias', [1])] }] };
    expect(await formatError(modelDir(longBias, { 'w.bin': Float32Array.from({ length: 14 }, (_, i) => i) }))).toBe("layer 1's weights do not fit 2 inputs and 3 units");
    // Only the first layer's input shape counts.
    const later = await Sequential.fromTfjs(modelDir(twoLayer([dense('a', 3, { batch_input_shape: [null, 2] }), dense('b', 1, { batch_input_shape: [null, 99] })]), { 'w.bin': twoLayerWeights }));
    expect(later.inputSize).toBe(2);
    // A Dense layer without an activation field is linear.
    const bare = { class_name: 'Dense', config: { name: 'b', units: 1 } };
    expect((await Sequential.fromTfjs(modelDir(twoLayer([dense('a', 3, { batch_input_shape: [null, 2] }), bare]), { 'w.bin': twoLayerWeights }))).layers[1]!.activation).toBe('linear');
  });

  test('a LeakyReLU folds only into a linear Dense just before it', async () => {
    const json = twoLayer([dense('a', 3, { batch_input_shape: [null, 2], activation: 'relu' }), { class_name: 'LeakyReLU', config: { name: 'l', alpha: 0.2 } }, dense('b', 1)]);
    expect(await formatError(modelDir(json, { 'w.bin': twoLayerWeights }))).toMatch(/^.*has layers blastrain cannot represent: l \(LeakyReLU\) /);
  });

  test('unsupported layers are all named, with what is wrong with a Dense one', async () => {
    const json = twoLayer([dense('a', 3, { batch_input_shape: [null, 2], activation: 'elu' }), { class_name: 'Flatten', config: {} }, { class_name: 'LeakyReLU' },
      dense('b', 1, { use_bias: false }), { class_name: 'Dropout', config: { name: 'odd', rate: '0.5' } }, { class_name: 'GaussianDropout', config: { name: 'g', rate: 0.1 } }]);
    const at = modelDir(json, { 'w.bin': twoLayerWeights });
    const error = await refusal(at);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as Error).message).toBe(`${path.join(at, 'model.json')} has layers blastrain cannot represent: a (Dense, activation elu), Flatten (Flatten), LeakyReLU (LeakyReLU), ` +
      'b (Dense, activation linear, no bias), odd (Dropout), g (GaussianDropout) (it imports Dense layers with activations linear, relu, sigmoid, tanh, softmax, LeakyReLU after a linear Dense, and Dropout)');
  });
});

describe('exportTfjs', () => {
  test('writes the Keras topology of each layer, leakyRelu as a linear Dense and a LeakyReLU, and the kernels transposed', async () => {
    const model = new Sequential({ inputSize: 2, layers: [new Dense(3, { activation: 'leakyRelu', leakyReluAlpha: 0.2 }), new Dropout(0.25), new Dense(1, { activation: 'sigmoid' })] });
    model.params.set(Float32Array.from({ length: 13 }, (_, i) => i + 1));
    const at = path.join(dir, 'exported');
    await model.exportTfjs(at);
    const json = JSON.parse(readFileSync(path.join(at, 'model.json'), 'utf8'));
    const denseConfig = {
      use_bias: true, trainable: true, dtype: 'float32', kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    };
    expect(json).toEqual({
      format: 'layers-model', generatedBy: 'blastrain', convertedBy: null,
      modelTopology: {
        class_name: 'Sequential', keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js',
        config: { name: 'sequential', layers: [
          { class_name: 'Dense', config: { name: 'dense_1', units: 3, activation: 'linear', ...denseConfig, batch_input_shape: [null, 2] } },
          { class_name: 'LeakyReLU', config: { name: 'leaky_re_lu_1', alpha: 0.2, trainable: true, dtype: 'float32' } },
          { class_name: 'Dropout', config: { name: 'dropout_2', rate: 0.25, trainable: true, dtype: 'float32' } },
          { class_name: 'Dense', config: { name: 'dense_3', units: 1, activation: 'sigmoid', ...denseConfig } },
        ] },
      },
      weightsManifest: [{ paths: ['weights.bin'], weights: [spec('dense_1/kernel', [2, 3]), spec('dense_1/bias', [3]), spec('dense_3/kernel', [3, 1]), spec('dense_3/bias', [1])] }],
    });
    const weights = readFileSync(path.join(at, 'weights.bin'));
    // W₀ = [[1,2],[3,4],[5,6]] → kernel [[1,3,5],[2,4,6]]; b₀ = [7,8,9]; W₁ = [[10,11,12]] → kernel [10,11,12]ᵀ; b₁ = [13]
    expect(Array.from(new Float32Array(weights.buffer, weights.byteOffset, 13))).toEqual([1, 3, 5, 2, 4, 6, 7, 8, 9, 10, 11, 12, 13]);
    // Read back: the same parameters.
    const back = await Sequential.fromTfjs(at);
    expect(Array.from(back.params)).toEqual(Array.from(model.params));
  });

  test('makes the directory, with its parents', async () => {
    const at = path.join(dir, 'nested', 'deeper', 'model');
    await new Sequential({ inputSize: 2, layers: [new Dense(1)] }).exportTfjs(at);
    expect(readdirSync(at).sort()).toEqual(['model.json', 'weights.bin']);
  });

  test('a directory that cannot be made is a FileError naming it', async () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    const model = new Sequential({ inputSize: 2, layers: [new Dense(1)] });
    const error = await model.exportTfjs(path.join(file, 'sub')).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect((error as Error).message).toMatch(new RegExp(`^Cannot write the TensorFlow.js model to ${path.join(file, 'sub')}: `));
    expect(error).toMatchObject({ cause: { code: 'ENOTDIR' } });
  });
});
