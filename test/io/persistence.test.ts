// Saving and loading models: the file format, exact resume across processes on both backends,
// loadWeights' name mapping, dtype conversion, and a typed error for every malformed file.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Adam, Dense, ModelFormatError, RMSprop, SGD, Sequential, FileError } from '../../lib/index';
import { expectIdentical, scratchDir } from '../helpers';
import { encodeSafetensors, headerOf, withHeader } from './safetensors-files';

const dir = scratchDir('io');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const x = Float32Array.from({ length: 4 * 600 }, (_, i) => Math.sin(i * 12.9898) * 0.5 + 0.5);
const labels = Uint8Array.from({ length: 600 }, (_, i) => i % 3);

function classifier(backend: 'native' | 'js' = 'native', optimizer = () => new Adam({ lr: 0.01 }) as SGD | Adam | RMSprop) {
  const m = new Sequential({ inputSize: 4, seed: 7, backend, layers: [new Dense(16, { activation: 'relu' }), new Dense(8, { activation: 'leakyRelu', leakyReluAlpha: 0.2 }), new Dense(3, { activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: optimizer() });
  return m;
}

describe('the file', () => {
  test('holds the tensors under PyTorch nn.Sequential names, in params order, and the model in its metadata', async () => {
    const model = classifier();
    const file = path.join(dir, 'named.safetensors');
    await model.save(file);
    const bytes = readFileSync(file);
    const header = headerOf(bytes);
    expect(Object.keys(header).filter((k) => k !== '__metadata__')).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias']);
    expect(header['0.weight']).toEqual({ dtype: 'F32', shape: [16, 4], data_offsets: [0, 256] });
    expect(header['4.bias']).toEqual({ dtype: 'F32', shape: [3], data_offsets: [4 * (model.params.length - 3), 4 * model.params.length] });
    const meta = header.__metadata__ as Record<string, string>;
    expect(meta.format_version).toBe('1');
    expect(JSON.parse(meta.architecture!)).toEqual({
      inputSize: 4, seed: 7,
      layers: [
        { type: 'dense', units: 16, activation: 'relu', leakyReluAlpha: 0.01 },
        { type: 'dense', units: 8, activation: 'leakyRelu', leakyReluAlpha: 0.2 },
        { type: 'dense', units: 3, activation: 'softmax', leakyReluAlpha: 0.01 },
      ],
    });
    expect(meta.torch_module).toBe('nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 8), nn.LeakyReLU(0.2), nn.Linear(8, 3), nn.Softmax(dim=-1))');
    expect(meta.loss).toBe('categoricalCrossentropy');
    expect(JSON.parse(meta.optimizer!)).toEqual({ type: 'adam', options: model.optimizer!.options });
    // The data section is the params buffer, byte for byte.
    const dataStart = 8 + Number(bytes.readBigUInt64LE(0));
    expect(dataStart % 8).toBe(0);
    expect(bytes.subarray(dataStart).equals(Buffer.from(model.params.buffer))).toBe(true);
    expect(model.toBuffer().equals(bytes)).toBe(true);
  });

  test('optimizer: true adds every state buffer and the step count', async () => {
    const model = classifier();
    await model.fit(x, labels, { epochs: 1, batchSize: 32 });
    const header = headerOf(model.toBuffer({ optimizer: true }));
    expect(Object.keys(header)).toEqual(expect.arrayContaining(['optimizer.expAvg', 'optimizer.expAvgSq', 'optimizer.maxExpAvgSq']));
    expect((header.__metadata__ as Record<string, string>).optimizer_step).toBe(String(Math.ceil(600 / 32)));
  });
});

describe.each(['native', 'js'] as const)('%s backend', (backend) => {
  test.each([
    ['Adam', () => new Adam({ lr: 0.01, amsgrad: true })],
    ['SGD with momentum', () => new SGD({ lr: 0.05, momentum: 0.9, nesterov: true })],
    ['RMSprop centered', () => new RMSprop({ lr: 0.005, centered: true, momentum: 0.5 })],
  ])('%s: saved mid-training, loaded in a new process and trained on, equals a model that never stopped, bit for bit', async (_, optimizer) => {
    const whole = classifier(backend, optimizer);
    await whole.fit(x, labels, { epochs: 4, batchSize: 16 });
    const first = classifier(backend, optimizer);
    await first.fit(x, labels, { epochs: 2, batchSize: 16 });
    const file = path.join(dir, `resume-${backend}-${optimizer().type}.safetensors`);
    await first.save(file, { optimizer: true });
    const data = path.join(dir, `resume-${backend}.bin`);
    writeFileSync(data, Buffer.concat([Buffer.from(x.buffer), Buffer.from(labels.buffer)]));
    // One BLAS thread, as the results of a multi-threaded GEMM may differ in the last bit.
    execFileSync(process.execPath, ['-e', `
      const lib = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'index.js'))});
      const fs = require('node:fs');
      (async () => {
        lib.setNumThreads(1);
        const bytes = fs.readFileSync(${JSON.stringify(data)});
        const x = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 4 * 2400));
        const y = new Uint8Array(bytes.buffer.slice(bytes.byteOffset + 4 * 2400, bytes.byteOffset + 4 * 2400 + 600));
        const model = await lib.Sequential.load(${JSON.stringify(file)}, { backend: '${backend}' });
        await model.fit(x, y, { epochs: 2, batchSize: 16 });
        await model.save(${JSON.stringify(file)}, { optimizer: true });
      })().catch((e) => { console.error(e); process.exit(1); });
    `]);
    const resumed = await Sequential.load(file, { backend });
    expectIdentical(resumed.params, whole.params, 'parameters');
    expect(resumed.optimizer!.stepCount).toBe(whole.optimizer!.stepCount);
    expectIdentical(resumed.optimizer!.state, whole.optimizer!.state, 'optimizer state');
  });

  test('fromBuffer(toBuffer()) predicts the same; loading without the optimizer state starts it afresh', async () => {
    const model = classifier(backend);
    await model.fit(x, labels, { epochs: 2 });
    const copy = await Sequential.fromBuffer(model.toBuffer(), { backend });
    expectIdentical(copy.predict(x), model.predict(x), 'predictions');
    expect(copy.loss).toBe('categoricalCrossentropy');
    expect(copy.optimizer!.options).toEqual(model.optimizer!.options);
    expect(copy.optimizer!.stepCount).toBe(0);
    expect(copy.backend).toBe(backend);
  });
});

describe('loadWeights', () => {
  test('maps DDP prefixes and renames, reports missing and unexpected, converts F16, BF16 and F64', async () => {
    const source = classifier();
    const names = ['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias'];
    const offsets = [0, 64, 80, 208, 216, 240, 243];
    const tensors = names.map((name, i) => ({ name: `module.${name}`, values: source.params.subarray(offsets[i], offsets[i + 1]), shape: i % 2 === 0 ? [[16, 4], [8, 16], [3, 8]][i / 2]! : [offsets[i + 1]! - offsets[i]!] }));
    for (const dtype of ['F32', 'F64', 'F16', 'BF16'] as const) {
      const target = classifier();
      const result = await target.loadWeights(encodeSafetensors(tensors.map((t) => ({ ...t, dtype }))));
      expect(result).toEqual({ missing: [], unexpected: [] });
      // F16 keeps 11 significant bits (rounded: error ≤ 2^-11), BF16 8 (truncated here: < 2^-7).
      const tolerance = { F32: 0, F64: 0, F16: 2 ** -11, BF16: 2 ** -7 }[dtype];
      target.params.forEach((v, i) => expect(Math.abs(v - source.params[i]!)).toBeLessThanOrEqual(tolerance * Math.abs(source.params[i]!) + 1e-7));
    }
    const renamed = classifier();
    const keras = tensors.map((t, i) => ({ ...t, name: `layer${Math.floor(i / 2)}.${i % 2 ? 'b' : 'w'}`, dtype: 'F32' as const }));
    const result = await renamed.loadWeights(encodeSafetensors([...keras, { name: 'extra', values: new Float32Array(2), shape: [2], dtype: 'F32' }]), {
      strict: false,
      rename: (n) => (n === 'extra' ? 'extra' : `${2 * Number(n[5])}.${n.endsWith('w') ? 'weight' : 'bias'}`),
    });
    expect(result).toEqual({ missing: [], unexpected: ['extra'] });
    expectIdentical(renamed.params, source.params, 'renamed weights');
  });

  test('strict refuses a mismatch naming every name and both shapes; the model keeps its weights', async () => {
    const model = classifier();
    const before = model.params.slice();
    const one = (name: string, shape: number[]) => ({ name, shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)), dtype: 'F32' as const });
    await expect(model.loadWeights(encodeSafetensors([one('0.weight', [16, 4]), one('0.bias', [16]), one('9.bias', [3])]))).rejects.toThrow(
      /missing 2\.weight, 2\.bias, 4\.weight, 4\.bias; unexpected 9\.bias/,
    );
    await expect(model.loadWeights(encodeSafetensors([one('0.weight', [4, 16])]), { strict: false })).rejects.toThrow(
      "tensor '0.weight' has shape [4, 16] but the model's 0.weight has shape [16, 4]",
    );
    const nan = one('0.bias', [16]);
    nan.values[5] = NaN;
    await expect(model.loadWeights(encodeSafetensors([one('0.weight', [16, 4]), nan]), { strict: false })).rejects.toThrow(/'0.bias' holds NaN at index 5/);
    expectIdentical(model.params, before, 'weights after refused loads');
  });
});

describe('malformed files give a ModelFormatError that says what is wrong', () => {
  const valid = () => classifier().toBuffer({ optimizer: true });
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['empty', () => new Uint8Array(0), /shorter than the 8-byte header length/],
    ['truncated data', () => valid().subarray(0, valid().length - 10), /runs past|truncated/],
    ['header length beyond the file', () => { const b = valid(); b.writeBigUInt64LE(BigInt(b.length), 0); return b; }, /runs past the end of the file/],
    ['header length above the cap', () => { const b = valid(); b.writeBigUInt64LE(2n ** 62n, 0); return b; }, /above the 100000000-byte limit/],
    ['header that is not JSON', () => { const b = valid(); b[9] = 0x7b; b[10] = 0x7b; return b; }, /header is not JSON/],
    ['unknown dtype', () => withHeader(valid(), (h) => ((h['0.bias'] as { dtype: string }).dtype = 'I64')), /'0.bias' has dtype "I64"/],
    ['offsets out of range', () => withHeader(valid(), (h) => ((h['4.bias'] as { data_offsets: number[] }).data_offsets[1]! += 4)), /runs past|holds \d+ bytes/],
    ['overlapping tensors', () => withHeader(valid(), (h) => { const t = h['0.bias'] as { data_offsets: number[] }; t.data_offsets = [t.data_offsets[0]! - 4, t.data_offsets[1]! - 4]; }), /overlaps|gap/],
    ['a gap', () => withHeader(valid(), (h) => { delete h['0.bias']; }), /gap of 64 bytes before tensor '2.weight'/],
    ['shape that disagrees with the architecture', () => withHeader(valid(), (h) => { (h['0.weight'] as { shape: number[] }).shape = [4, 16]; }), /'0.weight' has shape \[4, 16\] but the model's 0.weight has shape \[16, 4\]/],
    ['missing tensor', () => withHeader(valid(), (h) => { const meta = h.__metadata__ as Record<string, string>; const arch = JSON.parse(meta.architecture!); arch.layers[0].units = 15; meta.architecture = JSON.stringify(arch); }), /shape|holds/],
    ['extra tensor', () => withHeader(valid(), (h) => { (h.__metadata__ as Record<string, string>).optimizer = JSON.stringify({ type: 'sgd', options: {} }); }), /unexpected optimizer.expAvg/],
    ['non-finite weights', () => { const b = valid(); b.writeFloatLE(Infinity, 8 + Number(b.readBigUInt64LE(0)) + 4); return b; }, /'0.weight' holds Infinity at index 1/],
    ['a newer format version', () => withHeader(valid(), (h) => { (h.__metadata__ as Record<string, string>).format_version = '3'; }), /newer blastrain \(format version 3; this one reads up to 2\)/],
    ['not a blastrain file', () => withHeader(valid(), (h) => { delete (h.__metadata__ as Record<string, string>).format; }), /not a blastrain model file.*loadWeights/],
    ['an architecture blastrain cannot build', () => withHeader(valid(), (h) => { const meta = h.__metadata__ as Record<string, string>; meta.architecture = meta.architecture!.replace('"relu"', '"swish"'); }), /invalid layer record/],
  ];
  test.each(cases)('%s', async (_, bytes, message) => {
    const error = await Sequential.fromBuffer(bytes()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error).toMatchObject({ code: 'ERR_BLASTRAIN_MODEL_FORMAT' });
    expect((error as Error).message).toMatch(message);
  });

  test('a missing file or directory is a FileError', async () => {
    await expect(Sequential.load(path.join(dir, 'nope.safetensors'))).rejects.toThrow(FileError);
    await expect(classifier().save(path.join(dir, 'no-such-dir', 'm.safetensors'))).rejects.toMatchObject({ code: 'ERR_BLASTRAIN_FILE' });
  });
});

describe('loadWeights and load, exactly', () => {
  const one = (name: string, shape: number[], fill = 0.5) => ({ name, shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill), dtype: 'F32' as const });
  const all = (fill = 0.5) => [one('0.weight', [16, 4], fill), one('0.bias', [16], fill), one('2.weight', [8, 16], fill), one('2.bias', [8], fill), one('4.weight', [3, 8], fill), one('4.bias', [3], fill)];

  test('strict: the whole message, missing and unexpected each alone and together', async () => {
    const model = classifier();
    const hint = '. Pass { strict: false } to load what matches, or { rename } to map names';
    await expect(model.loadWeights(encodeSafetensors(all().slice(0, 5)))).rejects.toThrow(new ModelFormatError(`the buffer does not match the model (strict): missing 4.bias${hint}`));
    await expect(model.loadWeights(encodeSafetensors([...all(), one('x', [1])]))).rejects.toThrow(new ModelFormatError(`the buffer does not match the model (strict): unexpected x${hint}`));
    await expect(model.loadWeights(encodeSafetensors([...all().slice(1), one('x', [1])]))).rejects.toThrow(
      new ModelFormatError(`the buffer does not match the model (strict): missing 0.weight; unexpected x${hint}`));
  });

  test('not strict: loads what matches, reports the rest, and leaves the missing tensors as they were', async () => {
    const model = classifier();
    const before = model.params.slice();
    expect(await model.loadWeights(encodeSafetensors([one('0.bias', [16], 2), one('y', [2])]), { strict: false })).toEqual({
      missing: ['0.weight', '2.weight', '2.bias', '4.weight', '4.bias'], unexpected: ['y'] });
    expect(Array.from(model.params.subarray(64, 80))).toEqual(new Array(16).fill(2));
    expectIdentical(model.params.subarray(0, 64), before.subarray(0, 64), 'the weights not in the file');
    expectIdentical(model.params.subarray(80), before.subarray(80), 'the weights not in the file');
  });

  test('names: module. is stripped once; optimizer.* is skipped only in a blastrain file; rename may drop a tensor but must return a string', async () => {
    const model = classifier();
    expect(await model.loadWeights(encodeSafetensors([...all(1).map((t) => ({ ...t, name: `module.${t.name}` })), one('optimizer.expAvg', [243])]), { strict: false }))
      .toEqual({ missing: [], unexpected: ['optimizer.expAvg'] });
    expect(model.params.every((v) => v === 1)).toBe(true);
    expect(await model.loadWeights(encodeSafetensors([one('module.module.0.bias', [16])]), { strict: false })).toMatchObject({ unexpected: ['module.0.bias'] });
    const saved = classifier();
    expect(await model.loadWeights(saved.toBuffer({ optimizer: true }))).toEqual({ missing: [], unexpected: [] });
    expectIdentical(model.params, saved.params, 'weights from a saved file with optimizer state');
    expect(await model.loadWeights(encodeSafetensors([...all(), one('drop-me', [1])]), { rename: (n) => (n === 'drop-me' ? undefined : n) })).toEqual({ missing: [], unexpected: [] });
    await expect(model.loadWeights(encodeSafetensors(all()), { rename: () => 3 as unknown as string })).rejects.toThrow(
      "Expected string or undefined for rename('0.weight') but received 3 of type number");
    await expect(model.loadWeights(encodeSafetensors(all()), { rename: () => '0.bias' })).rejects.toThrow(
      new ModelFormatError("the buffer: tensors '0.weight' and '0.bias' both map to '0.bias'"));
    await expect(model.loadWeights(encodeSafetensors(all()), { rename: 'x' as never })).rejects.toThrow('Expected function for rename but received');
    await expect(model.loadWeights(encodeSafetensors(all()), { strict: 1 as never })).rejects.toThrow('Expected boolean for strict but received 1 of type number');
  });

  test('a value that is not finite, found after other tensors were written, restores every weight', async () => {
    const model = classifier();
    const before = model.params.slice();
    const tensors = all();
    tensors[5]!.values[2] = -Infinity;
    await expect(model.loadWeights(encodeSafetensors(tensors))).rejects.toThrow(new ModelFormatError("the buffer: tensor '4.bias' holds -Infinity at index 2; weights must be finite"));
    expectIdentical(model.params, before, 'weights after a refused load');
    expect(model.isTraining).toBe(false);
    expect(await model.loadWeights(encodeSafetensors(all()))).toEqual({ missing: [], unexpected: [] });
  });

  test('loadWeights: shapes must match dimension by dimension, even when the element counts agree; a bad first value is found too', async () => {
    const model = classifier();
    const tensors = all();
    tensors[2] = one('2.weight', [8]);
    await expect(model.loadWeights(encodeSafetensors(tensors))).rejects.toThrow(new ModelFormatError("the buffer: tensor '2.weight' has shape [8] but the model's 2.weight has shape [8, 16]"));
    tensors[2] = one('2.weight', [128]);
    await expect(model.loadWeights(encodeSafetensors(tensors))).rejects.toThrow(new ModelFormatError("the buffer: tensor '2.weight' has shape [128] but the model's 2.weight has shape [8, 16]"));
    await expect(model.loadWeights(encodeSafetensors([one('0.weight', [16, 5])]), { strict: false })).rejects.toThrow(
      new ModelFormatError("the buffer: tensor '0.weight' has shape [16, 5] but the model's 0.weight has shape [16, 4]"));
    const nan = all();
    nan[0]!.values[0] = Number.NaN;
    await expect(model.loadWeights(encodeSafetensors(nan))).rejects.toThrow(new ModelFormatError("the buffer: tensor '0.weight' holds NaN at index 0; weights must be finite"));
  });

  test("load: a file's tensors against its own architecture, each list alone and both", async () => {
    const source = classifier();
    const metadata = headerOf(source.toBuffer()).__metadata__ as Record<string, string>;
    const saved = all().map((t, i) => ({ ...t, values: source.params.subarray([0, 64, 80, 208, 216, 240][i], [64, 80, 208, 216, 240, 243][i]) }));
    expectIdentical((await Sequential.fromBuffer(encodeSafetensors(saved, metadata))).params, source.params, 'a file built here');
    await expect(Sequential.fromBuffer(encodeSafetensors(saved.slice(0, 4), metadata))).rejects.toThrow(
      new ModelFormatError('the buffer does not hold the tensors its architecture needs: missing 4.weight, 4.bias'));
    await expect(Sequential.fromBuffer(encodeSafetensors([...saved, one('x', [1]), one('y', [1])], metadata))).rejects.toThrow(
      new ModelFormatError('the buffer does not hold the tensors its architecture needs: unexpected x, y'));
  });

  test("load: a file's tensors against its own architecture, both lists in the message", async () => {
    const valid = classifier().toBuffer();
    const renamed = withHeader(valid, (h) => { h['9.bias'] = h['4.bias']; delete h['4.bias']; });
    await expect(Sequential.fromBuffer(renamed)).rejects.toThrow(new ModelFormatError('the buffer does not hold the tensors its architecture needs: missing 4.bias; unexpected 9.bias'));
    const reshaped = withHeader(valid, (h) => { (h['2.weight'] as { shape: number[] }).shape = [16, 8]; });
    await expect(Sequential.fromBuffer(reshaped)).rejects.toThrow(new ModelFormatError("the buffer: tensor '2.weight' has shape [16, 8] but the model's 2.weight has shape [8, 16]"));
    const wider = withHeader(valid, (h) => { (h['4.bias'] as { shape: number[] }).shape = [3, 1]; });
    await expect(Sequential.fromBuffer(wider)).rejects.toThrow(new ModelFormatError("the buffer: tensor '4.bias' has shape [3, 1] but the model's 4.bias has shape [3]"));
    await expect(Sequential.fromBuffer('bytes' as never)).rejects.toThrow('Expected Buffer or Uint8Array for bytes but received');
    await expect(Sequential.load('')).rejects.toThrow("Expected non-empty string for path but received '' of type string");
  });
});
