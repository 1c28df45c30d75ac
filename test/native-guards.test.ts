// The addon re-checks every size and index the kernels trust: called directly with bad
// arguments (bypassing the TypeScript validation) it throws, it never crashes.
import { describe, expect, test } from 'vitest';
import { loadNative } from '../lib/native';
import { Layout } from '../lib/layout';

const addon = loadNative();
const layout = new Layout(3, [{ units: 4, activation: 'relu', leakyReluAlpha: 0.01 }, { units: 2, activation: 'softmax', leakyReluAlpha: 0.01 }], 1);
const { spec, alpha } = layout;
const params = new Float32Array(layout.paramCount);
const grads = new Float32Array(layout.paramCount);
const ws = new Float32Array(layout.workspaceSize(4));
const x = new Float32Array(12);
const labels = new Int32Array([0, 1, 1, 0]);
const hyper = new Float64Array(5);
const state = new Float32Array(layout.paramCount);
const stats = new Float64Array(8);

describe('native argument guards', () => {
  test('valid calls run', () => {
    addon.forward(spec, alpha, params, ws, x, null, 0, 4);
    expect(addon.loss(spec, alpha, ws, labels, 4, null, 0, 4, true)).toBeCloseTo(Math.log(2), 5);
    expect(addon.trainBatches(spec, alpha, params, grads, ws, x, labels, null, 2, 0, 2, 0, hyper, state, 0, stats, false)).toBe(2);
  });

  test('trainBatches with checkFinite reports the first non-finite input and trains nothing', () => {
    const before = params.slice();
    const dirty = x.slice();
    dirty[7] = NaN;
    const found = new Float64Array(2);
    expect(addon.trainBatches(spec, alpha, params, grads, ws, dirty, labels, null, 4, 0, 1, 0, hyper, state, 0, found, true)).toBe(-1);
    expect(Array.from(found)).toEqual([0, 7]);
    expect(params).toEqual(before);
    const mseSpec = Int32Array.from([0, ...spec.subarray(1)]);
    const y = new Float32Array(8);
    y[5] = -Infinity;
    expect(addon.trainBatches(mseSpec, alpha, params, grads, ws, x, y, null, 4, 0, 1, 0, hyper, state, 0, found, true)).toBe(-1);
    expect(Array.from(found)).toEqual([1, 5]);
    expect(addon.trainBatches(mseSpec, alpha, params, grads, ws, x, new Float32Array(8), null, 4, 0, 1, 0, hyper, state, 0, found, true)).toBe(1);
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['malformed spec', () => addon.forward(Int32Array.from([1, 5, 3]), alpha, params, ws, x, null, 0, 4), /spec is malformed/],
    ['unknown activation', () => addon.forward(Int32Array.from([1, 1, 3, 2, 17]), alpha, new Float32Array(8), ws, x, null, 0, 1), /unknown activation/],
    ['negative layer size', () => addon.forward(Int32Array.from([1, 1, 3, -2, 0]), alpha, params, ws, x, null, 0, 1), /non-positive layer size/],
    ['params too short', () => addon.forward(spec, alpha, params.subarray(1), ws, x, null, 0, 4), /params is shorter/],
    ['params of the wrong kind', () => addon.forward(spec, alpha, new Float64Array(26) as never, ws, x, null, 0, 4), /params has the wrong typed-array kind/],
    ['workspace too small for the batch', () => addon.forward(spec, alpha, params, ws.subarray(0, 10), x, null, 0, 4), /count must be an integer|workspace is too small/],
    ['batch past the last sample', () => addon.forward(spec, alpha, params, ws, x, null, 2, 4), /past the last sample/],
    ['row index out of range', () => addon.forward(spec, alpha, params, ws, x, Int32Array.from([0, 1, 9, 2]), 0, 4), /sample index out of range/],
    ['x not a multiple of the input size', () => addon.forward(spec, alpha, params, ws, new Float32Array(10), null, 0, 1), /multiple of the input size/],
    ['label out of range', () => addon.loss(spec, alpha, ws, Int32Array.from([0, 5, 1, 0]), 4, null, 0, 4, true), /class label out of range/],
    ['dense y of the wrong length', () => addon.loss(spec, alpha, ws, new Float32Array(7), 4, null, 0, 4, true), /samples × outputs/],
    ['unknown optimizer', () => addon.optimizerStep(9, hyper, state, 0, params, grads), /optimizer kind/],
    ['optimizer state too short', () => addon.optimizerStep(0, hyper, state.subarray(3), 0, params, grads), /optimizer state is shorter/],
    ['NaN batch size', () => addon.trainBatches(spec, alpha, params, grads, ws, x, labels, null, NaN, 0, 1, 0, hyper, state, 0, stats, false), /batchSize must be an integer/],
    ['too many batches', () => addon.trainBatches(spec, alpha, params, grads, ws, x, labels, null, 2, 0, 3, 0, hyper, state, 0, stats, false), /batchCount/],
    ['stats too short', () => addon.trainBatches(spec, alpha, params, grads, ws, x, labels, null, 2, 0, 2, 0, hyper, state, 0, new Float64Array(1), false), /stats is too short/],
    ['predict output too short', () => addon.predict(spec, alpha, params, ws, x, new Float32Array(3)), /out is shorter/],
  ];
  test.each(bad)('%s → RangeError', (_, call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });

  test('detached arrays are refused', () => {
    const gone = new Float32Array(12);
    structuredClone(gone.buffer, { transfer: [gone.buffer] });
    expect(() => addon.forward(spec, alpha, params, ws, gone, null, 0, 4)).toThrow(/x is shorter than 1 elements \(detached\?\)/);
    const goneParams = params.slice();
    structuredClone(goneParams.buffer, { transfer: [goneParams.buffer] });
    expect(() => addon.forward(spec, alpha, goneParams, ws, x, null, 0, 4)).toThrow(/params is shorter/);
  });
});
