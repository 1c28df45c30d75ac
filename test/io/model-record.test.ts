// The model record a blastrain file keeps in its metadata (lib/io/model-file.ts): what is written
// for each field, and every way a field can be wrong, refused with the field named — each
// check next to its boundary (the last valid value beside the first invalid one).
import { describe, expect, test } from 'vitest';
import { Adam, Dense, Dropout, MinMaxScaler, Sequential } from '../../lib/index';
import { ModelFormatError } from '../../lib/errors';
import { encodeModel, parseRecord, parameterTensors, torchModule, type ModelRecord } from '../../lib/io/model-file';
import { headerOf } from './safetensors-files';

const source = { size: 0, label: 'm.safetensors', read: () => undefined };

/** A valid record's metadata: every optional field present. */
async function fullMetadata(): Promise<Record<string, string>> {
  const model = new Sequential({ inputSize: 2, seed: 5, layers: [new Dense(3, { activation: 'leakyRelu', leakyReluAlpha: 0.2 }), new Dropout(0.5), new Dense(2, { activation: 'softmax' })] });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new Adam({ lr: 0.01 }), metrics: ['accuracy', 'f1'] });
  model.setPreprocessing(await new MinMaxScaler().fit(Float32Array.of(0, 1, 2, 3), { features: 2 }));
  model.setColumns({ features: ['a', 'b'], target: 'y', classes: ['no', 'yes'] });
  model.trainStep(Float32Array.of(1, 2), Int32Array.of(1));
  return headerOf(Buffer.from(model.toBuffer({ optimizer: true }))).__metadata__ as Record<string, string>;
}

const invalid = (what: string) => new ModelFormatError(`m.safetensors has an invalid ${what} in its metadata`);
const parse = (metadata: Record<string, string | undefined>) => parseRecord(source, metadata as Record<string, string>);

describe('parseRecord', () => {
  test('reads back every field the writer stored', async () => {
    const metadata = await fullMetadata();
    expect(metadata).toMatchObject({ format: 'blastrain', format_version: '2', loss: 'categoricalCrossentropy', optimizer_step: '1' });
    const record = parse(metadata);
    expect(record).toEqual({
      architecture: { inputSize: 2, seed: 5, layers: [{ type: 'dense', units: 3, activation: 'leakyRelu', leakyReluAlpha: 0.2 }, { type: 'dropout', rate: 0.5 }, { type: 'dense', units: 2, activation: 'softmax', leakyReluAlpha: 0.01 }] },
      loss: 'categoricalCrossentropy',
      metrics: JSON.parse(metadata.metrics!),
      preprocessing: JSON.parse(metadata.preprocessing!),
      columns: { features: ['a', 'b'], target: 'y', classes: ['no', 'yes'] },
      optimizer: JSON.parse(metadata.optimizer!),
      optimizerStep: 1,
      randomState: Number(metadata.random_state),
    });
    // Only the architecture is required.
    expect(parse({ format: 'blastrain', format_version: '1', architecture: metadata.architecture })).toEqual({ architecture: record.architecture });
  });

  test('the format marker and version', async () => {
    const metadata = await fullMetadata();
    const notOurs = new ModelFormatError('m.safetensors is not a blastrain model file (its metadata has no blastrain format version); use model.loadWeights for a PyTorch state_dict');
    for (const change of [{ format: undefined }, { format: 'Blastrain' }, { format_version: undefined }, { format_version: '0' }, { format_version: '1.5' }, { format_version: 'x' }, { format_version: '-1' }]) {
      expect(() => parse({ ...metadata, ...change })).toThrow(notOurs);
    }
    expect(() => parse({ ...metadata, format_version: '3' })).toThrow(
      new ModelFormatError('m.safetensors was written by a newer blastrain (format version 3; this one reads up to 2): upgrade blastrain to load it'));
    expect(parse({ ...metadata, format_version: '1' }).architecture.inputSize).toBe(2);
  });

  test('a missing or unparsable JSON field', async () => {
    const metadata = await fullMetadata();
    expect(() => parse({ ...metadata, architecture: undefined })).toThrow(
      new ModelFormatError("m.safetensors has no 'architecture' in its metadata: it was not written by blastrain (use model.loadWeights for a PyTorch state_dict)"));
    for (const key of ['architecture', 'metrics', 'preprocessing', 'columns', 'optimizer']) {
      expect(() => parse({ ...metadata, [key]: '{' })).toThrow(new ModelFormatError(`m.safetensors has metadata '${key}' that is not JSON`));
    }
  });

  test('the architecture: a positive input size, an integer seed, 1 to 4,096 layer records', async () => {
    const metadata = await fullMetadata();
    const base = JSON.parse(metadata.architecture!) as Record<string, unknown>;
    const dense = { type: 'dense', units: 1, activation: 'linear', leakyReluAlpha: 0 };
    const withArchitecture = (change: Record<string, unknown>) => parse({ format: 'blastrain', format_version: '1', architecture: JSON.stringify({ ...base, ...change }) });
    for (const change of [{ inputSize: 0 }, { inputSize: 1.5 }, { inputSize: '2' }, { seed: 0.5 }, { seed: '1' }, { seed: undefined }, { layers: [] }, { layers: {} },
      { layers: Array.from({ length: 4097 }, () => dense) }]) {
      expect(() => withArchitecture(change)).toThrow(invalid('architecture'));
    }
    for (const architecture of ['null', '[]', '3']) expect(() => parse({ format: 'blastrain', format_version: '1', architecture })).toThrow(invalid('architecture'));
    expect(withArchitecture({ inputSize: 1, seed: -7, layers: Array.from({ length: 4096 }, () => dense) }).architecture.layers).toHaveLength(4096);
  });

  test('layer records: dense with a positive unit count, a known activation and a finite non-negative slope; dropout with 0 ≤ rate < 1', async () => {
    const metadata = await fullMetadata();
    const base = JSON.parse(metadata.architecture!) as { layers: unknown[] };
    const dense = { type: 'dense', units: 2, activation: 'tanh', leakyReluAlpha: 0 };
    const withLayer = (layer: unknown) => parse({ format: 'blastrain', format_version: '1', architecture: JSON.stringify({ ...base, layers: [layer, dense] }) }).architecture.layers[0];
    for (const change of [{ type: 'conv' }, { units: 0 }, { units: 1.5 }, { activation: 'swish' }, { activation: undefined }, { leakyReluAlpha: -0.1 }, { leakyReluAlpha: '0.1' }, { leakyReluAlpha: null }]) {
      expect(() => withLayer({ ...dense, ...change })).toThrow(invalid('layer record'));
    }
    expect(() => withLayer({ ...dense, leakyReluAlpha: 1e400 })).toThrow(invalid('layer record')); // JSON's 1e400 is Infinity
    for (const layer of [null, 3, 'dense']) expect(() => withLayer(layer)).toThrow(invalid('layer record'));
    // Extra fields are dropped; the record keeps what the model needs.
    expect(withLayer({ ...dense, extra: true })).toEqual(dense);
    expect(withLayer({ ...dense, units: 1, leakyReluAlpha: 0 })).toEqual({ ...dense, units: 1 });
    for (const rate of [-0.1, 1, '0.5', null]) expect(() => withLayer({ type: 'dropout', rate })).toThrow(invalid('dropout layer record'));
    expect(withLayer({ type: 'dropout', rate: 0, extra: 1 })).toEqual({ type: 'dropout', rate: 0 });
    expect(withLayer({ type: 'dropout', rate: 0.999 })).toEqual({ type: 'dropout', rate: 0.999 });
    // The last layer is the output: a Dense one.
    expect(() => parse({ format: 'blastrain', format_version: '1', architecture: JSON.stringify({ ...base, layers: [dense, { type: 'dropout', rate: 0.5 }] }) })).toThrow(invalid('architecture'));
  });

  test('loss and metrics: a known loss; metrics a list of metric configs, and only with a loss', async () => {
    const metadata = await fullMetadata();
    expect(() => parse({ ...metadata, loss: 'hinge' })).toThrow(invalid('loss'));
    for (const loss of ['mse', 'binaryCrossentropy']) expect(parse({ ...metadata, loss, metrics: undefined }).loss).toBe(loss);
    for (const metrics of ['{}', '"accuracy"', '[{"name":"nothing"}]', '[3]']) expect(() => parse({ ...metadata, metrics })).toThrow(invalid('metrics'));
    expect(() => parse({ ...metadata, loss: undefined })).toThrow(invalid('metrics'));
    expect(parse({ ...metadata, metrics: '[]' }).metrics).toEqual([]);
  });

  test('preprocessing: a scaler record of the input width; columns that fit the architecture', async () => {
    const metadata = await fullMetadata();
    const scaler = JSON.parse(metadata.preprocessing!) as { offset: number[]; factor: number[] };
    for (const preprocessing of ['null', '{}', JSON.stringify({ ...scaler, offset: [0, 0, 0], factor: [1, 1, 1] }), JSON.stringify({ ...scaler, type: 'robust' })]) {
      expect(() => parse({ ...metadata, preprocessing })).toThrow(invalid('preprocessing'));
    }
    for (const columns of ['null', JSON.stringify({ features: ['a'], target: 'y' }), JSON.stringify({ features: ['a', 'b'], target: 'y', classes: ['only'] })]) {
      expect(() => parse({ ...metadata, columns })).toThrow(invalid('columns'));
    }
  });

  test('optimizer, its step and the random state', async () => {
    const metadata = await fullMetadata();
    for (const optimizer of ['null', '3', '{"type":"lbfgs","options":{}}', '{"type":3,"options":{}}', '{"type":"sgd"}', '{"type":"sgd","options":null}']) {
      expect(() => parse({ ...metadata, optimizer })).toThrow(invalid('optimizer'));
    }
    expect(parse({ ...metadata, optimizer: '{"type":"rmsprop","options":{},"extra":1}' }).optimizer).toEqual({ type: 'rmsprop', options: {} });
    for (const step of ['-1', '1.5', 'x', String(2 ** 53)]) expect(() => parse({ ...metadata, optimizer_step: step })).toThrow(invalid('optimizer_step'));
    expect(() => parse({ ...metadata, optimizer: undefined })).toThrow(invalid('optimizer_step'));
    expect(parse({ ...metadata, optimizer_step: '0' }).optimizerStep).toBe(0);
    for (const state of ['-1', '4294967296', '0.5', 'x']) expect(() => parse({ ...metadata, random_state: state })).toThrow(invalid('random_state'));
    expect(parse({ ...metadata, random_state: '4294967295' }).randomState).toBe(4294967295);
    expect(parse({ ...metadata, random_state: '0' }).randomState).toBe(0);
  });
});

describe('the PyTorch view of an architecture', () => {
  const architecture: ModelRecord['architecture'] = {
    inputSize: 4, seed: 1,
    layers: [
      { type: 'dense', units: 8, activation: 'leakyRelu', leakyReluAlpha: 0.3 }, { type: 'dropout', rate: 0.25 },
      { type: 'dense', units: 6, activation: 'linear', leakyReluAlpha: 0.01 }, { type: 'dense', units: 5, activation: 'relu', leakyReluAlpha: 0.01 },
      { type: 'dense', units: 4, activation: 'sigmoid', leakyReluAlpha: 0.01 }, { type: 'dense', units: 3, activation: 'tanh', leakyReluAlpha: 0.01 },
      { type: 'dense', units: 2, activation: 'softmax', leakyReluAlpha: 0.01 },
    ],
  };

  test('torch_module: each Linear followed by its activation module, Dropout as a module', () => {
    expect(torchModule(architecture)).toBe(
      'nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.3), nn.Dropout(p=0.25), nn.Linear(8, 6), nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 4), nn.Sigmoid(), ' +
        'nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2), nn.Softmax(dim=-1))');
  });

  test('state_dict names count every module (activations and dropout have no tensors); offsets follow params', () => {
    expect(parameterTensors(architecture)).toEqual([
      { name: '0.weight', shape: [8, 4], offset: 0 }, { name: '0.bias', shape: [8], offset: 32 },
      { name: '3.weight', shape: [6, 8], offset: 40 }, { name: '3.bias', shape: [6], offset: 88 },
      { name: '4.weight', shape: [5, 6], offset: 94 }, { name: '4.bias', shape: [5], offset: 124 },
      { name: '6.weight', shape: [4, 5], offset: 129 }, { name: '6.bias', shape: [4], offset: 149 },
      { name: '8.weight', shape: [3, 4], offset: 153 }, { name: '8.bias', shape: [3], offset: 165 },
      { name: '10.weight', shape: [2, 3], offset: 168 }, { name: '10.bias', shape: [2], offset: 174 },
    ]);
  });

  test('encodeModel writes format version 1 without preprocessing and 2 with it, and each field only when present', () => {
    const params = new Float32Array(176);
    const metadataOf = (record: ModelRecord) => headerOf(Buffer.concat(encodeModel(record, params))).__metadata__ as Record<string, string>;
    const bare = metadataOf({ architecture });
    expect(bare).toEqual({ format: 'blastrain', format_version: '1', architecture: JSON.stringify(architecture), torch_module: torchModule(architecture) });
    const scaled = metadataOf({ architecture, preprocessing: { type: 'standard', offset: [0, 0, 0, 0], factor: [1, 1, 1, 1] }, randomState: 0, optimizerStep: 0, optimizer: { type: 'sgd', options: {} } });
    expect(scaled).toMatchObject({ format_version: '2', random_state: '0', optimizer_step: '0', optimizer: '{"type":"sgd","options":{}}' });
  });
});
