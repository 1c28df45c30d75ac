// Random and hostile arguments at both boundaries. The addon, called directly, must either work
// or throw a JS error — never crash (CI also runs this under AddressSanitizer and UBSan). The
// public API must either work or throw a BlastrainError — never a TypeError of its own making.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BlastrainError, Dense, SGD, Sequential } from '../lib/index';
import { loadNative } from '../lib/native';

const addon = loadNative() as unknown as Record<string, (...args: unknown[]) => unknown>;

const smallInt = fc.oneof(fc.integer({ min: -3, max: 12 }), fc.constantFrom(0, 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, NaN, Infinity, 0.5));
const typedArray = fc.oneof(
  fc.array(smallInt, { maxLength: 24 }).map((a) => Int32Array.from(a.map((v) => (Number.isFinite(v) ? v | 0 : 0)))),
  fc.array(fc.float({ noDefaultInfinity: false }), { maxLength: 64 }).map((a) => Float32Array.from(a)),
  fc.array(fc.double(), { maxLength: 8 }).map((a) => Float64Array.from(a)),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 16 }).map((a) => Uint8Array.from(a)),
  fc.integer({ min: 0, max: 4096 }).map((n) => new Float32Array(n)),
);
/** A spec that is well-formed more often than not, so calls get past the first checks. */
const spec = fc
  .tuple(fc.integer({ min: -1, max: 3 }), fc.array(fc.tuple(fc.integer({ min: -1, max: 6 }), fc.integer({ min: -1, max: 6 })), { minLength: 1, maxLength: 3 }), fc.integer({ min: -1, max: 6 }))
  .map(([loss, layers, inputs]) => Int32Array.from([loss, layers.length, inputs, ...layers.flat()]));
const argument = fc.oneof(typedArray, spec, smallInt, fc.constantFrom(null, undefined, true, 'x', {}, []));

const functions = ['forward', 'loss', 'backward', 'optimizerStep', 'trainBatches', 'predict', 'evaluate', 'firstNonFinite', 'setNumThreads', 'gemmRepeat'];

describe('native boundary fuzz', () => {
  test.each(functions)('%s survives random arguments', (name) => {
    fc.assert(
      fc.property(fc.array(argument, { maxLength: 17 }), (args) => {
        try {
          addon[name]!(...args);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 400, seed: 1129 },
    );
    addon.setNumThreads!(2);
  });

  test('trainBatchesAsync survives random arguments', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(argument, { maxLength: 18 }), async (args) => {
        try {
          await addon.trainBatchesAsync!(...args);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 200, seed: 1129 },
    );
  });
});

describe('public API fuzz', () => {
  // Valid but huge epoch counts would just train for a long time: options stay small or invalid.
  const option = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(NaN, Infinity, 0.5, 'x', null, -1e9, {}));
  const options = fc.oneof(fc.record({ epochs: option, batchSize: option, shuffle: fc.oneof(fc.boolean(), option), verbose: option }, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 8 }), option, { maxKeys: 2 }));
  const value = fc.oneof(argument, options, fc.array(fc.array(fc.double(), { maxLength: 5 }), { maxLength: 4 }));
  const methods: [string, (m: Sequential, a: unknown, b: unknown) => unknown][] = [
    ['predict', (m, a) => m.predict(a as never)],
    ['evaluate', (m, a, b) => m.evaluate(a as never, b as never)],
    ['trainStep', (m, a, b) => m.trainStep(a as never, b as never)],
    ['forward+backward', (m, a, b) => (m.forward(a as never), m.backward(b as never))],
    ['fit', (m, a, b) => m.fit(a as never, b as never, { epochs: 1 })],
    ['fit options', (m, a) => m.fit(new Float32Array(8), new Int32Array(4), a as never)],
    ['Dense and SGD options', (_, a, b) => [new Dense(3, a as never), new SGD(b as never)]],
  ];
  test.each(methods)('%s: works or throws a BlastrainError', async (_, call) => {
    const model = new Sequential({ inputSize: 2, layers: [new Dense(3, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1 }) });
    await fc.assert(
      fc.asyncProperty(value, value, async (a, b) => {
        try {
          await call(model, a, b);
        } catch (error) {
          if (!(error instanceof BlastrainError)) throw error;
        }
      }),
      { numRuns: 300, seed: 1129 },
    );
    expect(model.predict(new Float32Array([1, 2])).every(Number.isFinite)).toBe(true);
  });
});

describe('native boundary fuzz, one argument of a valid call mutated', () => {
  /** Valid arguments for every function on a random small network. */
  const validCall = fc
    .record({
      inputs: fc.integer({ min: 1, max: 5 }),
      layers: fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 3 }),
      samples: fc.integer({ min: 1, max: 9 }),
      labels: fc.boolean(),
    })
    .map(({ inputs, layers, samples, labels }) => {
      const spec = Int32Array.from([labels ? 1 : 0, layers.length, inputs, ...layers.flat()]);
      const alpha = new Float32Array(layers.length).fill(0.01);
      const outputs = layers.at(-1)![0];
      let params = 0;
      let perRow = inputs + outputs;
      layers.forEach(([out], l) => {
        params += out * ((l === 0 ? inputs : layers[l - 1]![0]) + 1);
        perRow += 2 * out;
      });
      const p = new Float32Array(params).fill(0.1);
      const g = new Float32Array(params);
      const ws = new Float32Array(perRow * samples);
      const x = new Float32Array(inputs * samples).fill(0.5);
      const y = labels ? new Int32Array(samples) : new Float32Array(outputs * samples);
      const rows = Int32Array.from({ length: samples }, (_, i) => samples - 1 - i);
      const hyper = new Float64Array([0.1, 0, 0, 0, 0, 0]);
      const state = new Float32Array(3 * params);
      const stats = new Float64Array(2 * samples);
      return {
        forward: [spec, alpha, p, ws, x, rows, 0, samples],
        loss: [spec, alpha, ws, y, samples, rows, 0, samples, true],
        backward: [spec, alpha, p, g, ws, x, rows, 0, samples],
        trainBatches: [spec, alpha, p, g, ws, x, y, rows, 1, 0, samples, 1, hyper, state, 0, stats],
        predict: [spec, alpha, p, ws, x, new Float32Array(outputs * samples)],
        evaluate: [spec, alpha, p, ws, x, y],
      } as Record<string, unknown[]>;
    });
  const mutation = fc.record({ index: fc.nat(), value: argument, kind: fc.constantFrom('replace', 'shorten', 'negate') });

  test.each(['forward', 'loss', 'backward', 'trainBatches', 'predict', 'evaluate'])('%s', (name) => {
    let worked = 0;
    fc.assert(
      fc.property(validCall, mutation, (calls, m) => {
        const args = [...calls[name]!];
        const i = m.index % args.length;
        const target = args[i];
        if (m.kind === 'replace') args[i] = m.value;
        else if (m.kind === 'shorten' && ArrayBuffer.isView(target)) args[i] = (target as Float32Array).subarray(0, Math.max(0, (target as Float32Array).length - 1));
        else if (typeof target === 'number') args[i] = -target - 1;
        else if (ArrayBuffer.isView(target) && !(target instanceof Float64Array)) (target as Int32Array).fill(-7);
        try {
          addon[name]!(...args);
          worked++;
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 600, seed: 29 },
    );
    expect(worked).toBeGreaterThan(0); // the base calls are valid, so some mutants still run
  });
});
