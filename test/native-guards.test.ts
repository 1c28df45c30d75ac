// The addon re-checks every size, index and offset the kernels trust: called directly with bad
// arguments (bypassing the TypeScript validation) it throws an error carrying one of the
// library's codes, it never crashes.
import { describe, expect, test } from 'vitest';
import {
  BATCH_GRAD_NORM, JOB_BAD_LABEL, JOB_DONE, JOB_STOPPED, STATS_COMPLETED, STATS_HEADER, STATS_SAMPLE, STATS_STATUS, STATS_VALUE, statsFor,
} from '../lib/job';
import { LOSS_CATEGORICAL_CROSSENTROPY, LOSS_MSE, Layout, type Plan } from '../lib/layout';
import { COUNTER_ACCURACY } from '../lib/metrics/counters';
import { loadNative } from '../lib/native';
import { resizableBuffer, thrown } from './helpers';

const addon = loadNative();
const shapes = [{ units: 4, activation: 'relu' as const, leakyReluAlpha: 0.01 }, { units: 2, activation: 'softmax' as const, leakyReluAlpha: 0.01 }];
const layout = new Layout(3, shapes, LOSS_CATEGORICAL_CROSSENTROPY);
const params = new Float32Array(layout.paramCount).fill(0.1);
const grads = new Float32Array(layout.paramCount);
const ws = new Float32Array(layout.workspaceSize(4));
const x = new Float32Array(12);
const labels = new Int32Array([0, 1, 1, 0]);
const hyper = new Float64Array(7); // SGD: lr, clipNorm, clipValue, momentum, dampening, weightDecay, nesterov
hyper[0] = 0.1;
const state = new Float32Array(layout.paramCount);

function model(plan: Plan = layout.plan) {
  const m = new addon.Model(plan, params, grads);
  m.setWorkspace(ws);
  m.setOptimizer(0, hyper, state);
  return m;
}

/** The plan with one field of one layer (or of the whole) replaced. */
function planWith(change: Record<string, unknown>, layer?: number): Plan {
  if (layer === undefined) return { ...layout.plan, ...change } as Plan;
  const layers = layout.plan.layers.map((l, i) => (i === layer ? { ...l, ...change } : l));
  return { ...layout.plan, layers } as Plan;
}

describe('native argument guards', () => {
  test('valid calls run', () => {
    const m = model();
    m.forward(x, null, 0, 4, 0);
    expect(m.loss(labels, 4, null, 0, 4, true)).toBeCloseTo(Math.log(2), 5);
    const stats = statsFor(2, layout.batchStats);
    m.train(x, labels, null, 2, 0, 2, 0, stats, null, false, false);
    expect([stats[STATS_STATUS], stats[STATS_COMPLETED]]).toEqual([JOB_DONE, 2]);
  });

  test('evaluate writes its totals afresh: an array passed again is not added to', () => {
    const counted = new Layout(3, shapes, LOSS_CATEGORICAL_CROSSENTROPY, 0, [{ kind: COUNTER_ACCURACY, param: 0 }]);
    const m = model(counted.plan);
    const totals = new Float64Array(counted.batchStats).fill(7);
    m.evaluate(x, labels, totals);
    const once = totals.slice();
    expect(once[0]).toBeCloseTo(Math.log(2), 5); // the mean loss: every row's output is (½, ½)
    expect(once[2]).toBe(2); // rows right: with a tie, argmax picks class 0, the label of 2 of the 4 rows
    m.evaluate(x, labels, totals);
    expect(Array.from(totals)).toEqual(Array.from(once));
  });

  test('a run stopped before its first batch leaves the gradients as they were (the last batch\'s)', async () => {
    const m = model();
    grads.fill(0.25);
    const stats = statsFor(2, layout.batchStats);
    await m.trainAsync(x, labels, null, 2, 0, 2, 0, stats, null, false, Int32Array.of(1)); // stop already requested
    expect([stats[STATS_STATUS], stats[STATS_COMPLETED]]).toEqual([JOB_STOPPED, 0]);
    expect(grads.every((g) => g === 0.25)).toBe(true);
    grads.fill(0);
  });

  test('train with checkFinite reports the first non-finite input and trains nothing', () => {
    const m = model();
    const before = params.slice();
    const dirty = x.slice();
    dirty[7] = NaN;
    const stats = statsFor(1, layout.batchStats);
    m.train(dirty, labels, null, 4, 0, 1, 0, stats, null, false, true);
    expect([stats[STATS_STATUS], stats[STATS_SAMPLE], stats[STATS_VALUE]]).toEqual([-1, 0, 7]);
    expect(params).toEqual(before);
    const mse = model(new Layout(3, shapes, LOSS_MSE).plan);
    const y = new Float32Array(8);
    y[5] = -Infinity;
    mse.train(x, y, null, 4, 0, 1, 0, stats, null, false, true);
    expect([stats[STATS_STATUS], stats[STATS_SAMPLE], stats[STATS_VALUE]]).toEqual([-1, 1, 5]);
  });

  test('a label out of range is refused where the kernel reads it: train reports it, nothing applied', () => {
    const m = model();
    const before = params.slice();
    const stats = statsFor(2, layout.batchStats);
    m.train(x, Int32Array.from([0, 0, 1, 9]), null, 2, 0, 2, 0, stats, null, false, false);
    expect([stats[STATS_STATUS], stats[STATS_COMPLETED], stats[STATS_SAMPLE], stats[STATS_VALUE]]).toEqual([JOB_BAD_LABEL, 1, 3, 9]);
    expect(params).not.toEqual(before); // the first batch was fine and applied
  });

  test('labels are refused at the boundary and in the first row; the sample named is the right one, shuffled or not', () => {
    const m = model();
    const stats = statsFor(2, layout.batchStats);
    // label 2 with 2 classes, in the first row of the first batch
    m.train(x, Int32Array.from([2, 0, 1, 0]), null, 2, 0, 2, 0, stats, null, false, false);
    expect([stats[STATS_STATUS], stats[STATS_COMPLETED], stats[STATS_SAMPLE], stats[STATS_VALUE]]).toEqual([JOB_BAD_LABEL, 0, 0, 2]);
    // shuffled (rows 3, 2, 1, 0): the bad label of sample 0 is read in row 1 of the second batch
    m.train(x, Int32Array.from([7, 1, 1, 0]), Int32Array.from([3, 2, 1, 0]), 2, 0, 2, 0, stats, null, false, false);
    expect([stats[STATS_STATUS], stats[STATS_COMPLETED], stats[STATS_SAMPLE], stats[STATS_VALUE]]).toEqual([JOB_BAD_LABEL, 1, 0, 7]);
    expect(() => m.loss(Int32Array.from([0, 1, 2, 0]), 4, null, 0, 4, true)).toThrow(/class label 2 at sample 2, outside \[0, 1\]/);
  });

  test('the gradient norm is reported only when clipping by norm or asked for', () => {
    const m = model();
    const stats = statsFor(1, layout.batchStats);
    m.train(x, labels, null, 4, 0, 1, 0, stats, null, false, false);
    expect(stats[STATS_HEADER + BATCH_GRAD_NORM]).toBeNaN();
    m.train(x, labels, null, 4, 0, 1, 0, stats, null, true, false);
    expect(stats[STATS_HEADER + BATCH_GRAD_NORM]).toBeGreaterThan(0);
  });

  const bad: [string, () => unknown, string, RegExp][] = [
    ['plan that is not an object', () => new addon.Model(3 as never, params, grads), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /plan must be an object/],
    ['unknown loss', () => model(planWith({ loss: 7 })), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /loss must be an integer/],
    ['unknown activation', () => model(planWith({ activation: 17 }, 1)), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /activation must be/],
    ['unknown layer kind', () => model(planWith({ kind: 5 }, 0)), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /kind must be/],
    ['negative layer size', () => model(planWith({ units: -2 }, 0)), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /units must be/],
    ['a weight offset that disagrees with the shapes', () => model(planWith({ weightOffset: 1 }, 1)), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /layers\[1\] has offsets that disagree/],
    ['an act row that disagrees with the shapes', () => model(planWith({ actRow: 0 }, 0)), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /layers\[0\] has offsets/],
    ['a parameter count that disagrees', () => model(planWith({ paramCount: 1 })), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /totals disagree/],
    ['a getter layers list', () => model(planWith({ layers: 'x' })), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /layers must be an array/],
    ['params too short', () => new addon.Model(layout.plan, params.subarray(1), grads), 'ERR_BLASTRAIN_SHAPE', /params is shorter/],
    ['params of the wrong kind', () => new addon.Model(layout.plan, new Float64Array(26) as never, grads), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /params has the wrong typed-array kind/],
    ['resizable params', () => new addon.Model(layout.plan, new Float32Array(resizableBuffer(4 * layout.paramCount, 1 << 20)), grads), 'ERR_BLASTRAIN_UNSUPPORTED_BUFFER', /resizable/],
    ['workspace too small for one row', () => model().setWorkspace(ws.subarray(0, 10)), 'ERR_BLASTRAIN_SHAPE', /workspace is shorter/],
    ['batch larger than the workspace', () => model().forward(new Float32Array(15), null, 0, 5, 0), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /count must be an integer/],
    ['batch past the last sample', () => model().forward(x, null, 2, 4, 0), 'ERR_BLASTRAIN_SHAPE', /past the last sample/],
    ['row index out of range', () => model().forward(x, Int32Array.from([0, 1, 9, 2]), 0, 4, 0), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /sample index out of range/],
    ['x not a multiple of the input size', () => model().forward(new Float32Array(10), null, 0, 1, 0), 'ERR_BLASTRAIN_SHAPE', /multiple of the input size/],
    ['label out of range', () => model().loss(Int32Array.from([0, 5, 1, 0]), 4, null, 0, 4, true), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /class label 5 at sample 1/],
    ['dense y of the wrong length', () => model().loss(new Float32Array(7), 4, null, 0, 4, true), 'ERR_BLASTRAIN_SHAPE', /samples × outputs/],
    ['unknown optimizer', () => model().setOptimizer(9, hyper, state), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /optimizer kind/],
    ['optimizer state too short', () => model().setOptimizer(0, hyper, state.subarray(3)), 'ERR_BLASTRAIN_SHAPE', /optimizer state is shorter/],
    ['NaN batch size', () => model().train(x, labels, null, NaN, 0, 1, 0, statsFor(1, layout.batchStats), null, false, false), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /batchSize must be an integer/],
    ['too many batches', () => model().train(x, labels, null, 2, 0, 3, 0, statsFor(3, layout.batchStats), null, false, false), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /batchCount/],
    ['stats too short', () => model().train(x, labels, null, 2, 0, 2, 0, new Float64Array(7), null, false, false), 'ERR_BLASTRAIN_SHAPE', /stats is too short/],
    ['a resizable x for a job', () => model().trainAsync(new Float32Array(resizableBuffer(48, 96)), labels, null, 2, 0, 2, 0, statsFor(2, layout.batchStats), null, false, new Int32Array(1)), 'ERR_BLASTRAIN_UNSUPPORTED_BUFFER', /x is backed by a resizable ArrayBuffer/],
    ['predict output too short', () => model().predict(x, new Float32Array(3)), 'ERR_BLASTRAIN_SHAPE', /out is shorter/],
    ['threads out of range', () => addon.setNumThreads(2000), 'ERR_BLASTRAIN_INVALID_ARGUMENT', /threads must be an integer in \[0, 1024\]/],
  ];
  test.each(bad)('%s → an error with a library code', (_, call, code, message) => {
    const error = thrown(call);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toMatch(message);
  });

  test('detached arrays are refused', () => {
    const gone = new Float32Array(12);
    structuredClone(gone.buffer, { transfer: [gone.buffer] });
    expect(() => model().forward(gone, null, 0, 4, 0)).toThrow(/x is shorter than 1 elements \(detached\?\)/);
    const goneParams = params.slice();
    structuredClone(goneParams.buffer, { transfer: [goneParams.buffer] });
    expect(() => new addon.Model(layout.plan, goneParams, grads)).toThrow(/params is shorter/);
  });
});
