// How user data becomes what the backends read (lib/data/arrays.ts), called directly: the
// converted values, and each refusal's exact message.
import { expect, test } from 'vitest';
import { InvalidArgumentError, ShapeError, UnsupportedBufferError } from '../lib/errors';
import { LOSS_BINARY_CROSSENTROPY, LOSS_CATEGORICAL_CROSSENTROPY, LOSS_MSE } from '../lib/layout';
import { requireFixedSize, toInputs, toTargets } from '../lib/data/arrays';
import { resizableBuffer, thrown } from './helpers';

test('inputs: a Float32Array in place, number[][] (or rows as typed arrays) converted; refusals name the row and column', () => {
  const x = Float32Array.of(1, 2, 3, 4);
  expect(toInputs('x', x, 2).buffer).toBe(x.buffer);
  expect(toInputs('x', [[1, 2], Float64Array.of(3, 4)], 2)).toEqual(Float32Array.of(1, 2, 3, 4));
  expect(() => toInputs('x', [[1, 2], [3]], 2)).toThrow(new ShapeError('Expected x[1] to be an array of 2 numbers but received array'));
  expect(() => toInputs('x', [[1, 2], 'ab'], 2)).toThrow(new ShapeError("Expected x[1] to be an array of 2 numbers but received 'ab' of type string"));
  expect(() => toInputs('x', [[1, '2']], 2)).toThrow(new InvalidArgumentError("Expected number for x[0][1] but received '2' of type string"));
  expect(() => toInputs('x', new Float32Array(0), 2)).toThrow(new ShapeError('Expected at least one sample in x but received Float32Array of length 0'));
  expect(() => toInputs('x', new Float32Array(5), 2)).toThrow(new ShapeError('Expected x length to be a multiple of inputSize 2 but received Float32Array of length 5 (2.50 rows)'));
  expect(() => toInputs('x', new Float64Array(4), 2)).toThrow(new InvalidArgumentError('Expected Float32Array (samples × inputSize, row-major) or number[][] for x but received Float64Array of length 4'));
});

test('targets: float rows, label arrays, number[] (labels for categorical cross-entropy, one value per row otherwise) and number[][]', () => {
  const rows = Float32Array.of(0.5, 1.5);
  expect(toTargets('y', rows, 2, 1, LOSS_MSE).buffer).toBe(rows.buffer);
  expect(() => toTargets('y', Float32Array.of(1, 2, 3), 2, 2, LOSS_MSE)).toThrow(
    new ShapeError('Expected y to hold 2 samples × 2 outputs = 4 values but received Float32Array of length 3 (1.5 samples)'));
  const labels = Uint16Array.of(2, 0);
  expect(toTargets('y', labels, 2, 3, LOSS_CATEGORICAL_CROSSENTROPY)).toEqual(labels);
  expect(() => toTargets('y', labels, 2, 3, LOSS_MSE)).toThrow(new InvalidArgumentError(
    "Expected Float32Array of targets (integer class labels need loss 'categoricalCrossentropy') for y but received Uint16Array of length 2"));
  expect(() => toTargets('y', labels, 3, 3, LOSS_CATEGORICAL_CROSSENTROPY)).toThrow(new ShapeError('Expected y to hold 3 class labels (one per sample) but received Uint16Array of length 2'));
  expect(() => toTargets('y', Int8Array.of(0, 3), 2, 3, LOSS_CATEGORICAL_CROSSENTROPY)).toThrow(new InvalidArgumentError('Expected class labels in [0, 2] for y but received 3 at index 1'));
  expect(() => toTargets('y', Int8Array.of(-1, 0), 2, 3, LOSS_CATEGORICAL_CROSSENTROPY)).toThrow('but received -1 at index 0');
  // number[]: class labels for categorical cross-entropy, whole numbers only.
  const fromList = toTargets('y', [2, 0, 1], 3, 3, LOSS_CATEGORICAL_CROSSENTROPY);
  expect(fromList).toBeInstanceOf(Int32Array);
  expect(Array.from(fromList)).toEqual([2, 0, 1]);
  expect(() => toTargets('y', [0.5, 1], 2, 3, LOSS_CATEGORICAL_CROSSENTROPY)).toThrow(new InvalidArgumentError('Expected integer class labels for y but received array'));
  // …and one float per row otherwise, which needs one output.
  const values = toTargets('y', [0.25, 1], 2, 1, LOSS_BINARY_CROSSENTROPY);
  expect(values).toBeInstanceOf(Float32Array);
  expect(Array.from(values)).toEqual([0.25, 1]);
  expect(() => toTargets('y', [0.25, 1], 2, 2, LOSS_MSE)).toThrow(new InvalidArgumentError('Expected number[][] with 2 values per row for y but received array'));
  expect(toTargets('y', [[1, 2], [3, 4]], 2, 2, LOSS_MSE)).toEqual(Float32Array.of(1, 2, 3, 4));
  expect(() => toTargets('y', [], 2, 1, LOSS_MSE)).toThrow(new ShapeError('Expected y to hold 2 samples × 1 outputs = 2 values but received Float32Array of length 0 (0 samples)'));
  expect(() => toTargets('y', 'abc', 2, 1, LOSS_MSE)).toThrow(new InvalidArgumentError(
    "Expected Float32Array (samples × outputs), an integer typed array of class labels, or number[][] for y but received 'abc' of type string"));
});

test('a view of a resizable ArrayBuffer is refused before any job reads it; fixed ones pass', () => {
  const resizable = new Float32Array(resizableBuffer(16, 64));
  const error = thrown(() => requireFixedSize('x', resizable)) as Error | undefined;
  expect(error).toBeInstanceOf(UnsupportedBufferError);
  expect(error!.message).toBe('Expected x on a fixed-size buffer but it is backed by a resizable ArrayBuffer, which could shrink while training reads it; ' +
    'copy it into a fixed-length array first (e.g. Float32Array.from(x))');
  expect(() => requireFixedSize('x', new Float32Array(4))).not.toThrow();
});
