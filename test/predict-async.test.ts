// model.predictAsync: predict() on the thread pool (native) or in yielding chunks (js), with the
// same outputs, the busy lock, and its inputs pinned against a hostile program.
import { expect, test } from 'vitest';
import { Dense, ModelBusyError, SGD, Sequential } from '../lib/index';
import { Random } from '../lib/random';
import { expectClose, randomFloats } from './helpers';
import { expectSurvived, runProgram } from './hostile/program';

const build = (backend: 'native' | 'js') => {
  const model = new Sequential({ inputSize: 6, seed: 5, backend, layers: [new Dense(20, { activation: 'tanh' }), new Dense(4, { activation: 'softmax' })] });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1 }) });
  return model;
};

test.each(['native', 'js'] as const)('%s backend: the same outputs as predict, bit for bit, over many chunks', async (backend) => {
  const x = randomFloats(new Random(1), 1000 * 6, 2);
  const model = build(backend);
  const expected = model.predict(x);
  // Chunks of 97 rows (the last one short) against predict's 256: rows are independent, and with
  // 6 inputs each output is one short dot product that OpenBLAS sums in the same order for any
  // row count, so the outputs agree exactly.
  for (const batchSize of [97, 256, 5000]) expect(await model.predictAsync(x, { batchSize })).toEqual(expected);
  const rows = [Array.from(x.subarray(0, 6)), Array.from(x.subarray(6, 12))];
  expect(await model.predictAsync(rows)).toEqual(expected.subarray(0, 8));
});

test('the event loop turns while a large predictAsync runs, and the model is busy until it settles', async () => {
  const model = new Sequential({ inputSize: 256, seed: 2, layers: [new Dense(512, { activation: 'relu' }), new Dense(512, { activation: 'relu' }), new Dense(10)] });
  const x = randomFloats(new Random(3), 20_000 * 256);
  let turned = false;
  setImmediate(() => {
    turned = true;
  });
  const pending = model.predictAsync(x, { batchSize: 1024 });
  expect(() => model.predict(x.subarray(0, 256))).toThrow(ModelBusyError);
  const out = await pending;
  expect(turned).toBe(true);
  expect(out).toHaveLength(20_000 * 10);
  // Against predict on the first rows: a GEMM over a different row count may block its sums
  // differently (float32 round-off, ~1e-7 relative over 512 terms).
  expectClose(model.predict(x.subarray(0, 256)), out.subarray(0, 10), 1e-5, 1e-6, 'first row');
});

test('options are validated like every other call', async () => {
  const model = build('native');
  await expect(model.predictAsync(new Float32Array(6), { batchSize: 0 })).rejects.toThrow(/Expected positive integer for batchSize but received 0/);
  await expect(model.predictAsync(new Float32Array(6), { chunk: 3 } as never)).rejects.toThrow(/Unknown option 'chunk' in predictAsync options/);
  await expect(model.predictAsync(new Float32Array(5))).rejects.toThrow(/multiple of inputSize|6/);
});

test('a hostile program: x resized, transferred or rewritten while predictAsync runs', async () => {
  const result = await runProgram(`
    const model = new lib.Sequential({ inputSize: 64, layers: [new lib.Dense(256, { activation: 'relu' }), new lib.Dense(3)] });
    const n = 40000;
    const resizable = new ArrayBuffer(256 * n, { maxByteLength: 512 * n });
    const refused = await model.predictAsync(new Float32Array(resizable)).then(() => 'finished', describeError);
    resizable.resize(0);
    const x = Float32Array.from({ length: 64 * n }, (_, i) => Math.sin(i));
    const pending = model.predictAsync(x);
    let transfer;
    try {
      structuredClone(x.buffer, { transfer: [x.buffer] });
      transfer = x.buffer.byteLength === 0 ? 'detached' : 'copied';
    } catch (error) {
      transfer = error.name;
    }
    x.fill(NaN); // a race the caller chose: the outputs may be anything, the process must live
    const out = await pending;
    report({ refused, transfer, length: out.length, xLength: x.length });
  `);
  expectSurvived(result);
  const r = result.reports[0] as { refused: { code: string }; transfer: string; length: number; xLength: number };
  expect(r.refused).toMatchObject({ code: 'ERR_BLASTRAIN_UNSUPPORTED_BUFFER' });
  expect(['copied', 'DataCloneError']).toContain(r.transfer); // never 'detached'
  expect(r.length).toBe(40000 * 3);
  expect(r.xLength).toBe(64 * 40000);
});
