// Random and hostile arguments at both boundaries. The addon, called directly, must either work
// or throw an error carrying one of the library's codes — never crash (CI also runs this under
// AddressSanitizer and UBSan), including when the arrays of an async job are rewritten, resized
// or transferred between the call and the job. The public API must either work or throw a
// BlastrainError — never a TypeError of its own making.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BlastrainError, Dense, SGD, Sequential } from '../lib/index';
import { statsFor } from '../lib/job';
import { Layout, type Plan } from '../lib/layout';
import { loadNative, type NativeModel } from '../lib/native';
import { resizableBuffer } from './helpers';

const addon = loadNative();
const CODES = ['ERR_BLASTRAIN_INVALID_ARGUMENT', 'ERR_BLASTRAIN_SHAPE', 'ERR_BLASTRAIN_DETACHED_BUFFER', 'ERR_BLASTRAIN_UNSUPPORTED_BUFFER'];

/** A native error must carry one of the library's codes (lib/errors.ts fromNative types it). */
function expectCoded(error: unknown): void {
  expect(error).toBeInstanceOf(Error);
  expect(CODES).toContain((error as { code?: string }).code);
}

const smallInt = fc.oneof(fc.integer({ min: -3, max: 12 }), fc.constantFrom(0, 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, NaN, Infinity, 0.5));
const typedArray = fc.oneof(
  fc.array(smallInt, { maxLength: 24 }).map((a) => Int32Array.from(a.map((v) => (Number.isFinite(v) ? v | 0 : 0)))),
  fc.array(fc.float({ noDefaultInfinity: false }), { maxLength: 64 }).map((a) => Float32Array.from(a)),
  fc.array(fc.double(), { maxLength: 8 }).map((a) => Float64Array.from(a)),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 16 }).map((a) => Uint8Array.from(a)),
  fc.integer({ min: 0, max: 4096 }).map((n) => new Float32Array(n)),
  fc.integer({ min: 0, max: 64 }).map((n) => new Float32Array(resizableBuffer(4 * n, 4 * n + 64))),
  fc.integer({ min: 0, max: 64 }).map((n) => new Float32Array(new SharedArrayBuffer(4 * n))),
);
const argument = fc.oneof(typedArray, smallInt, fc.constantFrom(null, undefined, true, 'x', {}, []));

/** A valid small network with its buffers, and valid arguments for every method. */
const validSetup = fc
  .record({
    inputs: fc.integer({ min: 1, max: 5 }),
    layers: fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 3 }),
    samples: fc.integer({ min: 1, max: 9 }),
    labels: fc.boolean(),
  })
  .map(({ inputs, layers, samples, labels }) => {
    const shapes = layers.map(([units, act]) => ({ units, activation: (['linear', 'relu', 'leakyRelu', 'sigmoid', 'tanh', 'softmax'] as const)[act]!, leakyReluAlpha: 0.01 }));
    const layout = new Layout(inputs, shapes, labels ? 1 : 0);
    const outputs = layout.outputs;
    const p = new Float32Array(layout.paramCount).fill(0.1);
    const g = new Float32Array(layout.paramCount);
    const ws = new Float32Array(layout.workspaceSize(samples));
    const hyper = new Float64Array([0.1, 0, 0, 0, 0, 0, 0, 0]);
    const state = new Float32Array(3 * layout.paramCount);
    const x = new Float32Array(inputs * samples).fill(0.5);
    const y = labels ? new Int32Array(samples) : new Float32Array(outputs * samples);
    const rows = Int32Array.from({ length: samples }, (_, i) => samples - 1 - i);
    const calls: Record<string, unknown[]> = {
      forward: [x, rows, 0, samples, 0],
      loss: [y, samples, rows, 0, samples, true],
      backward: [x, rows, 0, samples, 0],
      optimizerStep: [3],
      train: [x, y, rows, 1, 0, samples, 0, statsFor(samples, layout.batchStats), null, false, false],
      predict: [x, new Float32Array(outputs * samples)],
      evaluate: [x, y, new Float64Array(layout.batchStats)],
    };
    return { plan: layout.plan, p, g, ws, hyper, state, calls, async: [x, y, rows, 1, 0, samples, 0, statsFor(samples, layout.batchStats), null, false, new Int32Array(1)] };
  });

function nativeModel(setup: { plan: Plan; p: Float32Array; g: Float32Array; ws: Float32Array; hyper: Float64Array; state: Float32Array }): NativeModel {
  const m = new addon.Model(setup.plan, setup.p, setup.g);
  m.setWorkspace(setup.ws);
  m.setOptimizer(0, setup.hyper, setup.state);
  return m;
}

const METHODS = ['forward', 'loss', 'backward', 'optimizerStep', 'train', 'predict', 'evaluate', 'setWorkspace', 'setOptimizer'];

describe('native boundary fuzz', () => {
  test('the Model constructor survives random plans and arrays', () => {
    const plan = fc.oneof(
      argument,
      fc.record({ loss: smallInt, inputSize: smallInt, paramCount: smallInt, outputRow: smallInt, workspaceRow: smallInt, layers: fc.array(fc.record({ kind: smallInt, units: smallInt, activation: smallInt, alpha: fc.double(), weightOffset: smallInt, biasOffset: smallInt, actRow: smallInt }), { maxLength: 3 }) }),
    );
    fc.assert(
      fc.property(plan, argument, argument, (p, a, b) => {
        try {
          new addon.Model(p as Plan, a as Float32Array, b as Float32Array);
        } catch (error) {
          expectCoded(error);
        }
      }),
      { numRuns: 400, seed: 1129 },
    );
  });

  test.each(METHODS)('Model.%s survives random arguments', (name) => {
    fc.assert(
      fc.property(validSetup, fc.array(argument, { maxLength: 10 }), (setup, args) => {
        const m = nativeModel(setup) as unknown as Record<string, (...a: unknown[]) => unknown>;
        try {
          m[name]!(...args);
        } catch (error) {
          expectCoded(error);
        }
      }),
      { numRuns: 300, seed: 1129 },
    );
  });

  test.each(['firstNonFinite', 'setNumThreads', 'gemmRepeat'])('%s survives random arguments', (name) => {
    fc.assert(
      fc.property(fc.array(argument, { maxLength: 10 }), (args) => {
        try {
          (addon as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
        } catch (error) {
          expectCoded(error);
        }
      }),
      { numRuns: 300, seed: 1129 },
    );
    addon.setNumThreads(0); // back to the automatic default
  });

  test('trainAsync survives random arguments', async () => {
    await fc.assert(
      fc.asyncProperty(validSetup, fc.array(argument, { maxLength: 10 }), async (setup, args) => {
        const m = nativeModel(setup) as unknown as Record<string, (...a: unknown[]) => Promise<void>>;
        try {
          await m.trainAsync!(...args);
        } catch (error) {
          expectCoded(error);
        }
      }),
      { numRuns: 200, seed: 1129 },
    );
  });

  test('trainAsync survives its arrays being rewritten, transferred and replaced between the call and the job', async () => {
    const attack = fc.record({
      labels: fc.constantFrom(-1, 255, 2 ** 30, -(2 ** 31)),
      rows: fc.constantFrom(-1, 2 ** 30, 7),
      what: fc.constantFrom('rewrite', 'transfer', 'workspace', 'optimizer', 'all'),
    });
    let trained = 0;
    await fc.assert(
      fc.asyncProperty(validSetup, attack, async (setup, a) => {
        const m = nativeModel(setup);
        const [x, y, rows, ...rest] = setup.async as [Float32Array, Float32Array | Int32Array, Int32Array, ...unknown[]];
        const job = (m.trainAsync as (...args: unknown[]) => Promise<void>)(x, y, rows, ...rest);
        if (a.what === 'rewrite' || a.what === 'all') {
          if (y instanceof Int32Array) y.fill(a.labels);
          rows.fill(a.rows);
        }
        if (a.what === 'transfer' || a.what === 'all') {
          for (const array of [x, y, rows, setup.p, setup.ws, setup.state]) {
            try {
              structuredClone(array.buffer, { transfer: [array.buffer as ArrayBuffer] });
            } catch {
              // untransferable: Node ≥ 22 throws DataCloneError, Node 20 copies
            }
          }
        }
        if (a.what === 'workspace' || a.what === 'all') m.setWorkspace(new Float32Array(setup.ws.length));
        if (a.what === 'optimizer' || a.what === 'all') m.setOptimizer(1, new Float64Array(8), new Float32Array(3 * setup.p.length));
        await job;
        trained++;
      }),
      { numRuns: 150, seed: 77 },
    );
    expect(trained).toBe(150);
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
  const mutation = fc.record({ index: fc.nat(), value: argument, kind: fc.constantFrom('replace', 'shorten', 'negate') });

  test.each(Object.keys(fc.sample(validSetup, 1)[0]!.calls))('%s', (name) => {
    let worked = 0;
    fc.assert(
      fc.property(validSetup, mutation, (setup, m) => {
        const args = [...setup.calls[name]!];
        const i = m.index % args.length;
        const target = args[i];
        if (m.kind === 'replace') args[i] = m.value;
        else if (m.kind === 'shorten' && ArrayBuffer.isView(target)) args[i] = (target as Float32Array).subarray(0, Math.max(0, (target as Float32Array).length - 1));
        else if (typeof target === 'number') args[i] = -target - 1;
        else if (ArrayBuffer.isView(target) && !(target instanceof Float64Array)) (target as Int32Array).fill(-7);
        try {
          (nativeModel(setup) as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
          worked++;
        } catch (error) {
          expectCoded(error);
        }
      }),
      { numRuns: 600, seed: 29 },
    );
    expect(worked).toBeGreaterThan(0); // the base calls are valid, so some mutants still run
  });
});
