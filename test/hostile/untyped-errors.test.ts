// Defect 11: untyped errors remained: setNumThreads(2000) (a plain RangeError from the addon), a
// workspace over 2^32 floats (V8's RangeError), and native errors in general. Every native
// error now carries a library code and is rethrown as its class (lib/errors.ts fromNative);
// allocations the library makes are checked first (OutOfMemoryError).
import { expect, test } from 'vitest';
import { BlastrainError, Dense, InvalidArgumentError, OutOfMemoryError, SGD, Sequential, setNumThreads } from '../../lib/index';
import { fromNative } from '../../lib/errors';

test('setNumThreads outside 1…1024 (and not \'auto\') is an InvalidArgumentError', () => {
  for (const threads of [0, 2000, 1.5, NaN]) {
    expect(() => setNumThreads(threads)).toThrow(InvalidArgumentError);
  }
  expect(() => setNumThreads(2000)).toThrow("Expected integer between 1 and 1024 or 'auto' for threads but received 2000 of type number");
});

test('a batch whose workspace would exceed 2^32 floats is an OutOfMemoryError naming the batch', async () => {
  const model = new Sequential({ inputSize: 4, layers: [new Dense(65536), new Dense(2)] });
  model.compile({ loss: 'mse', optimizer: new SGD() });
  const rows = 40000; // 40000 × (4 + 2·65536 + 2·2 + 2) floats > 2^32
  const x = new Float32Array(4 * rows);
  const y = new Float32Array(2 * rows);
  await expect(model.fit(x, y, { batchSize: rows })).rejects.toThrow(OutOfMemoryError);
  expect(() => model.trainStep(x, y)).toThrow(/the workspace for batches of 40000 rows would need \d+ floats/);
  expect(model.predict(x.subarray(0, 8))).toHaveLength(4); // still usable
});

test('native errors become typed errors; anything without a library code passes through unchanged', () => {
  const coded = Object.assign(new Error('blastrain native: rows holds a sample index out of range'), { code: 'ERR_BLASTRAIN_INVALID_ARGUMENT' });
  const typed = fromNative(coded);
  expect(typed).toBeInstanceOf(InvalidArgumentError);
  expect((typed as Error).message).toBe(coded.message);
  for (const code of ['ERR_BLASTRAIN_SHAPE', 'ERR_BLASTRAIN_DETACHED_BUFFER', 'ERR_BLASTRAIN_UNSUPPORTED_BUFFER']) {
    expect(fromNative(Object.assign(new Error('x'), { code }))).toMatchObject({ code });
    expect(fromNative(Object.assign(new Error('x'), { code }))).toBeInstanceOf(BlastrainError);
  }
  const other = new TypeError('not ours');
  expect(fromNative(other)).toBe(other);
});
