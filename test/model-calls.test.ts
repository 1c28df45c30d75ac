// Sequential's calls at their edges, in the test process (the mutation suite sees them): which
// call holds the model and what each says when it cannot run, the names in every refusal, the
// summary's rows, the model's state before compile, streams with array validation data, and
// saves that fit waits for.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  Adam, AdamW, Dataset, Dense, Dropout, FileError, InvalidArgumentError, ModelBusyError, ModelFormatError, NotCompiledError, OutOfMemoryError, OneCycleLR, RMSprop, SGD,
  Sequential, UnsupportedBufferError,
} from '../lib/index';
import { createNativeBackend } from '../lib/backends/native';
import { inferenceChunk } from '../lib/model';
import { ADAM_BETA1, RMSPROP_MOMENTUM, SGD_MOMENTUM } from '../lib/optim/kinds';
import { expectClose, expectIdentical, resizableBuffer, scratchDir, thrown } from './helpers';
import { withHeader } from './io/safetensors-files';

const x = Float32Array.from({ length: 8 * 4000 }, (_, i) => Math.sin(i * 0.37));
const y = Uint8Array.from({ length: 4000 }, (_, i) => i % 4);

function classifier(backend: 'native' | 'js' = 'native', seed = 4): Sequential {
  const m = new Sequential({ inputSize: 8, seed, backend, layers: [new Dense(32, { activation: 'relu' }), new Dense(4, { activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: new Adam({ lr: 1e-3 }) });
  return m;
}

const busyMessage = (name: string) => `Cannot call ${name}() while the model is training; await fit() first, or stop it with its AbortSignal`;

/** What a call did: its error, or 'ran'; a Promise's outcome once it settles. */
async function outcome(call: () => unknown): Promise<unknown> {
  try {
    await call();
    return 'ran';
  } catch (error) {
    return error;
  }
}

describe('while a chunk of fit runs', () => {
  test('every call that reads or writes the buffers throws ModelBusyError naming itself, and changes nothing', async () => {
    const m = classifier();
    const dir = scratchDir('busy');
    const saved = m.toBuffer();
    const dict = m.optimizer!.stateDict();
    const xb = x.subarray(0, 8);
    const yb = y.subarray(0, 1);
    const calls: [string, () => unknown][] = [
      ['fit', () => m.fit(x, y)],
      ['trainStep', () => m.trainStep(xb, yb)],
      ['forward', () => m.forward(xb)],
      ['backward', () => m.backward(yb)],
      ['computeLoss', () => m.computeLoss(yb)],
      ['predict', () => m.predict(xb)],
      ['predictAsync', () => m.predictAsync(xb)],
      ['evaluate', () => m.evaluate(xb, yb)],
      ['evaluateAsync', () => m.evaluateAsync(xb, yb)],
      ['zeroGrad', () => m.zeroGrad()],
      ['compile', () => m.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD() })],
      ['setPreprocessing', () => m.setPreprocessing(null)],
      ['setColumns', () => m.setColumns(null)],
      ['save', () => m.save(path.join(dir, 'm.safetensors'))],
      ['toBuffer', () => m.toBuffer()],
      ['loadWeights', () => m.loadWeights(saved)],
      ['exportTfjs', () => m.exportTfjs(path.join(dir, 'tfjs'))],
      ['exportOnnx', () => m.exportOnnx(path.join(dir, 'm.onnx'))],
      ['optimizer.step', () => m.optimizer!.step()],
      ['optimizer.zeroGrad', () => m.optimizer!.zeroGrad()],
      ['optimizer.stateDict', () => m.optimizer!.stateDict()],
      ['optimizer.loadStateDict', () => m.optimizer!.loadStateDict(dict)],
      ['optimizer.lr', () => (m.optimizer!.lr = 0.5)],
      ['optimizer.momentum', () => m.optimizer!.setMomentum(0.5)],
    ];
    // Far more epochs than the test waits for: it stops training once the calls are made.
    const fitting = m.fit(x, y, { epochs: 10_000, batchSize: 8 });
    expect(m.isTraining).toBe(true);
    // Timers run only while a chunk is in flight: fit goes from one chunk to the next in microtasks.
    const outcomes = await new Promise<Promise<unknown>[]>((resolve) =>
      setTimeout(() => {
        resolve(calls.map(([, call]) => outcome(call)));
        m.stopTraining = true;
      }, 1),
    );
    const errors = await Promise.all(outcomes);
    await fitting;
    expect(m.isTraining).toBe(false);
    expect(m.predict(xb)).toHaveLength(4); // usable again
    calls.forEach(([name], i) => {
      expect(errors[i], name).toBeInstanceOf(ModelBusyError);
      expect((errors[i] as Error).message).toBe(busyMessage(name));
    });
    expect(m.optimizer!.lr).toBe(1e-3);
    expect(m.optimizer!.options.beta1).toBe(0.9);
    expect(existsSync(path.join(dir, 'm.safetensors')) || existsSync(path.join(dir, 'm.onnx'))).toBe(false);
  });

  test('a getter run inside another call cannot read the model either', async () => {
    const m = classifier();
    let inner: unknown;
    await m.predictAsync(x.subarray(0, 16), {
      get batchSize() {
        inner = thrown(() => m.toBuffer());
        return 4;
      },
    });
    expect(inner).toBeInstanceOf(ModelBusyError);
    expect((inner as Error).message).toBe(busyMessage('toBuffer'));
  });

  test('a save holds the model until it is written', async () => {
    const m = classifier();
    const file = path.join(scratchDir('save-holds'), 'm.safetensors');
    const saving = m.save(file);
    const during = thrown(() => m.trainStep(x.subarray(0, 8), y.subarray(0, 1)));
    await saving;
    expect(during).toBeInstanceOf(ModelBusyError);
    expect((during as Error).message).toBe(busyMessage('trainStep'));
    expect(m.trainStep(x.subarray(0, 8), y.subarray(0, 1))).toBeGreaterThan(0);
  });
});

describe('saves started from callbacks and not awaited', () => {
  test('fit waits for them: before its next chunk, and before it resolves', async () => {
    const m = classifier();
    const dir = scratchDir('callback-saves');
    const atEpochEnd: Float32Array[] = [];
    await m.fit(x, y, {
      epochs: 2,
      batchSize: 16,
      callbacks: {
        onEpochEnd: (epoch) => {
          atEpochEnd.push(m.params.slice());
          void m.save(path.join(dir, `epoch-${epoch}.safetensors`));
        },
        onTrainEnd: () => void m.save(path.join(dir, 'end.safetensors')),
      },
    });
    // The end's file is whole as soon as fit resolves; each epoch's holds that epoch's weights,
    // not some of the next chunk's.
    expectIdentical((await Sequential.load(path.join(dir, 'end.safetensors'))).params, m.params, 'end');
    for (const epoch of [0, 1]) {
      expectIdentical((await Sequential.load(path.join(dir, `epoch-${epoch}.safetensors`))).params, atEpochEnd[epoch]!, `epoch ${epoch}`);
    }
  });
});

describe('before compile', () => {
  test('no optimizer, loss or metrics; forward runs; the calls that need a loss say so', async () => {
    const m = new Sequential({ inputSize: 3, layers: [new Dense(2)] });
    expect(m.optimizer).toBeUndefined();
    expect(m.loss).toBeUndefined();
    expect(m.metricNames).toEqual([]);
    expect(m.stopTraining).toBe(false);
    expect(m.forward(new Float32Array(6))).toHaveLength(4);
    const needs = async (name: string, call: () => unknown) => {
      const error = await outcome(call);
      expect(error, name).toBeInstanceOf(NotCompiledError);
      expect((error as Error).message).toBe(`Cannot call ${name}() before compile({ loss, optimizer })`);
    };
    await needs('evaluate', () => m.evaluate(new Float32Array(3), new Float32Array(2)));
    await needs('evaluateAsync', () => m.evaluateAsync(new Float32Array(3), new Float32Array(2)));
    await needs('computeLoss', () => m.computeLoss(new Float32Array(4)));
    await needs('backward', () => m.backward(new Float32Array(4)));
    await needs('trainStep', () => m.trainStep(new Float32Array(3), new Float32Array(2)));
    await needs('fit', () => m.fit(new Float32Array(3), new Float32Array(2)));
    expect(thrown(() => new SGD().stateDict())).toEqual(
      new NotCompiledError('Cannot call optimizer.stateDict() before model.compile({ optimizer }) attaches it to a model'),
    );
  });

  test('forward returns every row of every output', () => {
    const m = new Sequential({ inputSize: 2, layers: [new Dense(3)] });
    const rows = Float32Array.of(1, 2, 3, 4);
    const out = m.forward(rows);
    expect(out).toHaveLength(6);
    expectIdentical(out, m.predict(rows));
  });
});

describe('refusals name what they refuse', () => {
  test('options objects and their fields', async () => {
    const m = classifier();
    const file = path.join(scratchDir('refusals'), 'm.safetensors');
    await m.save(file);
    const cases: [() => unknown, string][] = [
      [() => new Sequential(5 as never), 'Expected object for Sequential options but received 5 of type number'],
      [() => new Sequential({ inputSize: 2, layers: [new Dense(1), 'dense' as never] }), 'Expected non-empty array of Dense and Dropout layers for layers but received array'],
      [() => new Sequential({ inputSize: 2, layers: [new Dense(1)], seed: '7' as never }), "Expected integer for seed but received '7' of type string"],
      [() => m.compile(5 as never), 'Expected object for compile options but received 5 of type number'],
      [() => m.compile({ loss: 'mae' as never, optimizer: new SGD() }), "Expected one of 'mse', 'categoricalCrossentropy', 'binaryCrossentropy' for loss but received 'mae' of type string; did you mean 'mse'?"],
      [() => m.predictAsync(x, 5 as never), 'Expected object for predictAsync options but received 5 of type number'],
      [() => m.evaluateAsync(x, y, 5 as never), 'Expected object for evaluateAsync options but received 5 of type number'],
      [() => m.evaluateAsync(x, y, { batchSize: 0 }), 'Expected positive integer for batchSize but received 0 of type number'],
      [() => m.save(file, 5 as never), 'Expected object for save options but received 5 of type number'],
      [() => m.save(file, { optimizer: 1 as never }), 'Expected boolean for optimizer but received 1 of type number'],
      [() => m.toBuffer(5 as never), 'Expected object for toBuffer options but received 5 of type number'],
      [() => m.toBuffer({ optimizer: 1 as never }), 'Expected boolean for optimizer but received 1 of type number'],
      [() => m.loadWeights(file, 5 as never), 'Expected object for loadWeights options but received 5 of type number'],
      [() => Sequential.load(file, 5 as never), 'Expected object for load options but received 5 of type number'],
      [() => Sequential.load(file, { backend: 'gpu' as never }), "Expected one of 'native', 'js' for backend but received 'gpu' of type string"],
      [() => Sequential.fromBuffer('bytes' as never), "Expected Buffer or Uint8Array for bytes but received 'bytes' of type string"],
      [() => Sequential.fromTfjs('dir', 5 as never), 'Expected object for fromTfjs options but received 5 of type number'],
      [() => Sequential.fromTfjs('dir', { backend: 'gpu' as never }), "Expected one of 'native', 'js' for backend but received 'gpu' of type string"],
      [() => Sequential.fromTfjs('dir', { seed: 1.5 }), 'Expected integer for seed but received 1.5 of type number'],
      [() => m.save(5 as never), 'Expected non-empty string for path but received 5 of type number'],
      [() => Sequential.load(5 as never), 'Expected non-empty string for path but received 5 of type number'],
      [() => m.exportOnnx(5 as never), 'Expected non-empty string for path but received 5 of type number'],
      [() => m.exportTfjs(5 as never), 'Expected non-empty string for dir but received 5 of type number'],
      [() => Sequential.fromTfjs(5 as never), 'Expected non-empty string for dir but received 5 of type number'],
      [() => new Adam(5 as never), 'Expected object for Adam options but received 5 of type number'],
      [() => new Adam({ beta1: 1 }), 'Expected number in [0, 1) for beta1 but received 1 of type number'],
      [() => new Adam({ beta2: 1 }), 'Expected number in [0, 1) for beta2 but received 1 of type number'],
      [() => new AdamW(5 as never), 'Expected object for AdamW options but received 5 of type number'],
      [() => new RMSprop(5 as never), 'Expected object for RMSprop options but received 5 of type number'],
    ];
    for (const [call, message] of cases) {
      const error = await outcome(call);
      expect(error, message).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toBe(message);
    }
  });

  test('x and y by name, wherever they are checked', async () => {
    const m = classifier();
    const resizable = new Float32Array(resizableBuffer(8 * 4 * 4, 1024));
    const labels = new Uint8Array(resizableBuffer(4, 1024));
    const fixedY = new Uint8Array(4);
    const fixedX = new Float32Array(8 * 4);
    const refused = async (call: () => unknown, name: string) => {
      const error = await outcome(call);
      expect(error, name).toBeInstanceOf(UnsupportedBufferError);
      expect((error as Error).message).toMatch(new RegExp(`^Expected ${name} on a fixed-size buffer`));
    };
    await refused(() => m.predictAsync(resizable), 'x');
    await refused(() => m.evaluateAsync(resizable, fixedY), 'x');
    await refused(() => m.evaluateAsync(fixedX, labels), 'y');
    await refused(() => m.fit(resizable, fixedY), 'x');
    await refused(() => m.fit(fixedX, labels), 'y');
    const stream = (batch: { x: Float32Array; y: Uint8Array }) =>
      async function* () {
        yield batch;
      } as never;
    await refused(() => m.fit(stream({ x: resizable, y: fixedY })), 'x');
    await refused(() => m.fit(stream({ x: fixedX, y: labels })), 'y');
    await refused(() => m.fit(fixedX, fixedY, { validationData: [resizable, fixedY] }), 'validationData x');
    await refused(() => m.fit(fixedX, fixedY, { validationData: [fixedX, labels] }), 'validationData y');
    expect(thrown(() => m.predict('rows' as never))).toBeInstanceOf(InvalidArgumentError);
    expect((thrown(() => m.trainStep('rows' as never, fixedY)) as Error).message).toMatch(/ for x but received 'rows' of type string$/);
    expect((thrown(() => m.predict(Float32Array.of(0, 0, 0, Infinity, 0, 0, 0, 0))) as Error).message).toMatch(/ in x but received Infinity at index 3 /);
    await expect(m.fit(fixedX, fixedY, { validationData: 5 as never })).rejects.toThrow('Expected [x, y] pair for validationData but received 5 of type number');
    await expect(new Sequential({ inputSize: 1, layers: [new Dense(1)] }).save('m.safetensors', { optimizer: true })).rejects.toThrow(
      new NotCompiledError('Cannot save with { optimizer: true } before compile({ loss, optimizer })'),
    );
    expect((thrown(() => m.predict('rows' as never)) as Error).message).toMatch(/ for x but received 'rows' of type string$/);
    expect((thrown(() => m.evaluate(fixedX, 'labels' as never)) as Error).message).toMatch(/ for y but received 'labels' of type string$/);
    expect((thrown(() => m.evaluate(fixedX, Float32Array.of(...new Array(8).fill(0), NaN, ...new Array(7).fill(0)))) as Error).message).toMatch(/ in y but received NaN/);
    const trainStepNaN = (xs: Float32Array, ys: Float32Array) => thrown(() => m.trainStep(xs, ys)) as Error;
    const oneHot = Float32Array.of(1, 0, 0, 0);
    expect(trainStepNaN(Float32Array.of(0, 0, NaN, 0, 0, 0, 0, 0), oneHot).message).toMatch(/ in x but received NaN at index 2 /);
    expect(trainStepNaN(new Float32Array(8), Float32Array.of(1, 0, NaN, 0)).message).toMatch(/ in y but received NaN at index 2 /);
  });

  test('a stream element that is not a batch, numbered', async () => {
    const m = classifier();
    const stream = async function* () {
      yield { x: x.subarray(0, 32), y: y.subarray(0, 4) };
      yield null;
    } as never;
    await expect(m.fit(stream)).rejects.toThrow('Expected { x, y } batch for batch 1 of the stream but received null');
    await expect(m.evaluateAsync(stream)).rejects.toThrow('Expected { x, y } batch for batch 1 of the stream but received null');
  });

  test('saving and exporting to a directory that is not there: FileError with the system error as its cause', async () => {
    const m = classifier();
    const missing = path.join(scratchDir('missing'), 'no', 'such');
    for (const call of [() => m.save(path.join(missing, 'm.safetensors')), () => m.exportOnnx(path.join(missing, 'm.onnx'))]) {
      const error = (await outcome(call)) as FileError;
      expect(error).toBeInstanceOf(FileError);
      expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    }
  });

  test('loadWeights (strict) lists every missing name', async () => {
    const m = classifier();
    const other = new Sequential({ inputSize: 8, layers: [new Dense(4, { activation: 'softmax' })] });
    await expect(m.loadWeights(other.toBuffer())).rejects.toThrow(/\(strict\): missing 2\.weight, 2\.bias\. Pass \{ strict: false \}/);
    const deeper = new Sequential({ inputSize: 8, layers: [new Dense(32), new Dense(4), new Dense(4, { activation: 'softmax' })] });
    await expect(m.loadWeights(deeper.toBuffer())).rejects.toThrow(/\(strict\): unexpected 1\.weight, 1\.bias\. Pass/);
  });

  test('an optimizer that belongs to another model is refused before compile changes anything', () => {
    const m = new Sequential({ inputSize: 8, seed: 3, layers: [new Dense(4, { activation: 'softmax' })] });
    m.compile({ loss: 'mse', optimizer: new SGD({ lr: 0.1 }) });
    const twin = new Sequential({ inputSize: 8, seed: 3, layers: [new Dense(4, { activation: 'softmax' })] });
    twin.compile({ loss: 'mse', optimizer: new SGD({ lr: 0.1 }) });
    const foreign = classifier().optimizer!;
    expect(() => m.compile({ loss: 'categoricalCrossentropy', optimizer: foreign })).toThrow(/already belongs to another model/);
    expect(m.loss).toBe('mse');
    const xs = x.subarray(0, 32);
    const ys = Float32Array.from({ length: 16 }, (_, i) => (i % 5) / 5);
    expect(m.trainStep(xs, ys)).toBe(twin.trainStep(xs, ys)); // still the mean squared error, still its optimizer
    expectIdentical(m.params, twin.params);
  });
});

describe('summary', () => {
  test('a dropout row, KiB below 1 MiB, no metrics clause without metrics, no loss line before compile', () => {
    const m = new Sequential({ inputSize: 3, layers: [new Dense(4, { activation: 'relu' }), new Dropout(0.25), new Dense(2)] });
    const lines = m.summary().split('\n');
    expect(lines).toContain('dropout_2 (Dropout 0.25)  (None, 4)           0');
    expect(lines.at(-1)).toBe('Total params: 26 (0.10 KiB)');
    m.compile({ loss: 'mse', optimizer: new SGD({ lr: 0.5 }) });
    expect(m.summary().split('\n').at(-1)).toBe('Loss: mse; optimizer: sgd (lr 0.5)');
  });

  test('exactly 1 MiB of parameters is shown in MiB', () => {
    const m = new Sequential({ inputSize: 1023, layers: [new Dense(256)] });
    expect(m.summary().split('\n').at(-1)).toBe('Total params: 262,144 (1.00 MiB)');
  });
});

describe('streams', () => {
  const arrays = { x: x.subarray(0, 8 * 40), y: y.subarray(0, 40) };
  const batches = () => Dataset.fromArrays(arrays.x, arrays.y, { features: 8 }).batch(16);

  test('fit over a stream with validation arrays, or a validation stream that is not a Dataset: valLoss is their evaluate()', async () => {
    for (const validationData of [
      [arrays.x, arrays.y] as [Float32Array, Uint8Array],
      async function* () {
        yield { x: arrays.x, y: arrays.y };
      } as never,
    ]) {
      const m = classifier();
      const history = await m.fit(batches(), { epochs: 1, validationData });
      expect(history.valLoss![0]).toBeCloseTo(m.evaluate(arrays.x, arrays.y).loss, 6);
    }
  });

  test('evaluateAsync over a stream weights each batch by its rows and sums the counters', async () => {
    const m = classifier();
    const whole = m.evaluate(arrays.x, arrays.y);
    const streamed = await m.evaluateAsync(batches(), { batchSize: 16 });
    expect(streamed.loss).toBeCloseTo(whole.loss, 6);
    expect(streamed.accuracy).toBe(whole.accuracy);
  });

  test('evaluateAsync on a fresh model, with a batch size above the rows, equals evaluate', async () => {
    const rows = { x: x.subarray(0, 8 * 10), y: y.subarray(0, 10) };
    const fresh = await classifier().evaluateAsync(rows.x, rows.y, { batchSize: 64 });
    expect(fresh).toEqual(classifier().evaluate(rows.x, rows.y));
  });
});

describe('fit options at their edges', () => {
  test('a validationSplit that holds out one row is accepted', async () => {
    const m = classifier();
    const history = await m.fit(x.subarray(0, 80), y.subarray(0, 10), { validationSplit: 0.1 });
    expect(history.valLoss).toHaveLength(1);
  });

  test('a verboseStream without write is refused', async () => {
    await expect(classifier().fit(x, y, { verboseStream: {} as never })).rejects.toThrow('Expected writable stream for verboseStream but received Object');
  });
});

describe('resuming from a file with the optimizer', () => {
  test('continues shuffling where it stopped: the same weights as training on without saving', async () => {
    const straight = classifier();
    await straight.fit(x, y, { epochs: 1, batchSize: 64 });
    const file = path.join(scratchDir('resume-shuffle'), 'm.safetensors');
    await straight.save(file, { optimizer: true });
    await straight.fit(x, y, { epochs: 1, batchSize: 64 });
    const resumed = await Sequential.load(file);
    await resumed.fit(x, y, { epochs: 1, batchSize: 64 });
    expectIdentical(resumed.params, straight.params);
    // A file without the optimizer starts shuffling from the seed, as a new model does.
    const fresh = classifier();
    const plain = await Sequential.fromBuffer(classifier().toBuffer());
    await fresh.fit(x, y, { epochs: 1, batchSize: 64 });
    await plain.fit(x, y, { epochs: 1, batchSize: 64 });
    expectIdentical(plain.params, fresh.params);
  });
});

describe('OneCycleLR cycles the momentum each optimizer has', () => {
  test.each([
    ['SGD', () => new SGD({ lr: 0.1, momentum: 0.9 }), SGD_MOMENTUM],
    ['Adam (β₁)', () => new Adam({ lr: 0.01 }), ADAM_BETA1],
    ['AdamW (β₁)', () => new AdamW({ lr: 0.01 }), ADAM_BETA1],
    ['RMSprop', () => new RMSprop({ lr: 0.01, momentum: 0.9 }), RMSPROP_MOMENTUM],
  ] as const)('%s, the same on both backends', async (_, make, slot) => {
    const trained = await Promise.all((['native', 'js'] as const).map(async (backend) => {
      const m = new Sequential({ inputSize: 8, seed: 9, backend, layers: [new Dense(8, { activation: 'tanh' }), new Dense(4, { activation: 'softmax' })] });
      const optimizer = make();
      m.compile({ loss: 'categoricalCrossentropy', optimizer });
      const before = Array.from(optimizer.hyper);
      const schedule = new OneCycleLR({ maxLr: 0.05, totalSteps: 10, baseMomentum: 0.6, maxMomentum: 0.8 });
      await m.fit(x.subarray(0, 8 * 80), y.subarray(0, 80), { epochs: 1, batchSize: 8, shuffle: false, lrSchedule: schedule });
      // After the last batch the slot holds the schedule's momentum for the step after it; no other slot but lr moved.
      expect(optimizer.hyper[slot]).toBeCloseTo(schedule.momentumAt(10), 12);
      Array.from(optimizer.hyper).forEach((v, i) => {
        if (i !== slot && i !== 0) expect(v, `slot ${i}`).toBe(before[i]);
      });
      return m.params;
    }));
    // float32 kernels in two orders of summation: agreement to round-off over 10 steps.
    trained[1]!.forEach((v, i) => expect(v).toBeCloseTo(trained[0]![i]!, 4));
  });
});

test('predictions that would need more floats than a Float32Array holds: OutOfMemoryError saying how many', async () => {
  // 2^20 rows of one feature, 4,096 outputs each: 2^32 floats, one more than V8 allows.
  const wide = new Sequential({ inputSize: 1, layers: [new Dense(4096)] });
  const rows = new Float32Array(2 ** 20);
  const message = 'the predictions would need 4294967296 floats (16.0 GiB), more than can be allocated; use smaller batches or fewer rows per call';
  expect(thrown(() => wide.predict(rows))).toEqual(new OutOfMemoryError(message));
  expect(await outcome(() => wide.predictAsync(rows))).toEqual(new OutOfMemoryError(message));
});

test('inference chunks: as many rows as fit 16 MiB of workspace, from 256 to 1,024', () => {
  const chunk = (workspaceRow: number) => inferenceChunk({ plan: { workspaceRow } } as never);
  expect(chunk(100)).toBe(1024);
  expect(chunk(4096)).toBe(1024);
  expect(chunk(4097)).toBe(1023);
  expect(chunk(8192)).toBe(512);
  expect(chunk(16384)).toBe(256);
  expect(chunk(100_000)).toBe(256);
});

test("the native backend's errors arrive as the library's typed errors", () => {
  const error = thrown(() => createNativeBackend({ plan: { loss: 99 } } as never, new Float32Array(1), new Float32Array(1)));
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect((error as InvalidArgumentError).code).toBe('ERR_BLASTRAIN_INVALID_ARGUMENT');
});

test('computeLoss between forward and backward leaves backward what it needs', () => {
  const [a, b] = [classifier('native', 8), classifier('native', 8)];
  const xs = x.subarray(0, 8 * 6);
  const ys = y.subarray(0, 6);
  a.forward(xs);
  const loss = a.computeLoss(ys);
  expect(a.backward(ys)).toBe(loss);
  b.forward(xs);
  b.backward(ys);
  expectIdentical(a.grads, b.grads);
});

describe('files that record less, or more than blastrain can build', () => {
  const edited = (edit: (meta: Record<string, string>) => void, optimizer = false) =>
    withHeader(classifier().toBuffer({ optimizer }), (h) => edit(h.__metadata__ as Record<string, string>));

  test('a loss without an optimizer, or an optimizer without a loss, loads uncompiled; without metrics, the loss\'s default metrics', async () => {
    const lossOnly = await Sequential.fromBuffer(edited((meta) => delete meta.optimizer));
    expect(lossOnly.loss).toBeUndefined();
    expect(lossOnly.optimizer).toBeUndefined();
    const optimizerOnly = await Sequential.fromBuffer(edited((meta) => {
      delete meta.loss;
      delete meta.metrics; // metrics without a loss are refused
    }));
    expect(optimizerOnly.loss).toBeUndefined();
    expect(optimizerOnly.optimizer).toBeUndefined();
    const noMetrics = await Sequential.fromBuffer(edited((meta) => delete meta.metrics));
    expect(noMetrics.loss).toBe('categoricalCrossentropy');
    expect(noMetrics.metricNames).toEqual(['accuracy']);
  });

  test('optimizer options out of range: ModelFormatError saying why, with or without the optimizer state', async () => {
    const badLr = (meta: Record<string, string>) => {
      meta.optimizer = JSON.stringify({ ...JSON.parse(meta.optimizer!), options: { lr: -1 } });
    };
    for (const [optimizer, what] of [[false, 'a model'], [true, 'an optimizer']] as const) {
      const error = await outcome(() => Sequential.fromBuffer(edited(badLr, optimizer)));
      expect(error).toBeInstanceOf(ModelFormatError);
      expect((error as Error).message).toBe(`the buffer describes ${what} blastrain cannot build: Expected finite number >= 0 for lr but received -1 of type number`);
    }
  });
});

describe.each(['native', 'js'] as const)('the %s backend', (backend) => {
  test.each([
    [true, 4],
    [false, -1],
  ])('labels rewritten out of range by a callback end fit when training reads them (shuffle %s, label %i), naming the sample', async (shuffle, label) => {
    const m = classifier(backend);
    const labels = Int32Array.from(y.subarray(0, 400));
    const error = await outcome(() =>
      m.fit(x.subarray(0, 8 * 400), labels, { epochs: 2, batchSize: 16, shuffle, callbacks: { onEpochEnd: () => void (labels[123] = label) } }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe(
      `Expected class labels in [0, 3] for y but received ${label} at sample 123 when training read it (the labels changed after fit checked them); that batch was not applied`,
    );
    expect(m.grads.every((g) => g === 0)).toBe(true);
  });

  test('trainStep finds NaN at the very first element of x and of y', () => {
    const m = new Sequential({ inputSize: 2, backend, layers: [new Dense(2)] });
    m.compile({ loss: 'mse', optimizer: new SGD() });
    const message = (xs: number[], ys: number[]) => (thrown(() => m.trainStep(Float32Array.from(xs), Float32Array.from(ys))) as Error).message;
    expect(message([NaN, 0], [0, 0])).toMatch(/ in x but received NaN at index 0 /);
    expect(message([0, 0], [NaN, 0])).toMatch(/ in y but received NaN at index 0 /);
  });

  test('predictAsync is inference: no dropout, the same outputs as predict', async () => {
    const m = new Sequential({ inputSize: 8, backend, layers: [new Dense(16, { activation: 'relu' }), new Dropout(0.5), new Dense(4)] });
    const rows = x.subarray(0, 8 * 50);
    // GEMMs of 7 rows and of 50 may round differently; dropout would zero half the units.
    expectClose(await m.predictAsync(rows, { batchSize: 7 }), m.predict(rows), 1e-5, 1e-6);
  });
});
