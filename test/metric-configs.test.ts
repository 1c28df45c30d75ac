// The metric objects themselves (lib/metrics/): configs as files record them and
// metricFromConfig reads them back, names, how each reads its ratio off the counter slots, which
// counters fit which loss and output width, and counters shared between metrics. The end-to-end
// values against a float64 reference are in metrics.test.ts.
import { expect, test } from 'vitest';
import { InvalidArgumentError } from '../lib/errors';
import { LOSS_BINARY_CROSSENTROPY, LOSS_CATEGORICAL_CROSSENTROPY, LOSS_MSE } from '../lib/layout';
import {
  COUNTER_ABS_ERROR, COUNTER_ACCURACY, COUNTER_CONFUSION, COUNTER_KINDS, COUNTER_SQUARED_ERROR, COUNTER_TOP_K, CONFUSION_BINARY,
  CONFUSION_PER_CLASS, counterWidth, countersPerRow,
} from '../lib/metrics/counters';
import { f1, metricFromConfig, MetricSet, precision, recall, resolveMetrics, topKAccuracy, validationKey, type Metric } from '../lib/metrics/metrics';

/** The metric's value from counter slots `values` placed at offset 3 of a larger array. */
function read(metric: Metric, values: number[], K = 2): number {
  const s = new Float64Array(3 + values.length + 3).fill(1e9); // neighbours that must not be read
  s.set(values, 3);
  return metric.reduce(s, 3, K);
}

test('configs round-trip through metricFromConfig with their names, k and average', () => {
  const metrics = [topKAccuracy(3), topKAccuracy(2, { name: 'top2' }), precision(), recall({ average: 'macro' }), f1({ average: 'macro', name: 'mf' }), f1()];
  // Strict: a config holds no key it was not given (no name: undefined).
  expect(metrics.map((m) => m.config)).toStrictEqual([
    { type: 'topKAccuracy', k: 3 }, { type: 'topKAccuracy', k: 2, name: 'top2' }, { type: 'precision', average: 'binary' },
    { type: 'recall', average: 'macro' }, { type: 'f1', average: 'macro', name: 'mf' }, { type: 'f1', average: 'binary' },
  ]);
  expect(metrics.map((m) => m.name)).toEqual(['top3Accuracy', 'top2', 'precision', 'macroRecall', 'mf', 'f1']);
  for (const m of metrics) {
    const again = metricFromConfig(JSON.parse(JSON.stringify(m.config)));
    expect(again.config).toStrictEqual(m.config);
    expect(again.name).toBe(m.name);
    expect(again.counter).toEqual(m.counter);
  }
  expect(precision({ average: 'macro' }).name).toBe('macroPrecision');
  expect(f1({ average: 'macro' }).name).toBe('macroF1');
  for (const type of ['accuracy', 'mae', 'mse', 'rmse'] as const) {
    const m = metricFromConfig({ type });
    expect([m.name, m.config]).toEqual([type, { type }]);
  }
  expect(metricFromConfig({ type: 'topKAccuracy' }).name).toBe('top5Accuracy');
});

test('metricFromConfig refuses options a metric does not take, unknown types and unknown keys', () => {
  const refused = (value: unknown) => () => metricFromConfig(value);
  expect(refused({ type: 'mae', k: 2 })).toThrow(new InvalidArgumentError("Expected { type: 'mae' } alone for metric config but received Object"));
  expect(refused({ type: 'accuracy', average: 'macro' })).toThrow("Expected { type: 'accuracy' } alone");
  expect(refused({ type: 'rmse', name: 'r' })).toThrow("Expected { type: 'rmse' } alone");
  expect(refused({ type: 'auc' })).toThrow(/^Expected one of 'accuracy', .* for type but received 'auc' of type string$/);
  expect(refused({ type: 'mae', colour: 1 })).toThrow("Unknown option 'colour' in metric config");
  expect(refused({ type: 'f1', average: 'micro' })).toThrow("for average but received 'micro'");
  expect(refused([])).toThrow('Expected object for metric config but received array');
  expect(() => topKAccuracy(2, { size: 1 } as never)).toThrow("Unknown option 'size' in topKAccuracy options");
  expect(() => recall({ weighted: true } as never)).toThrow("Unknown option 'weighted' in recall options");
  for (const name of ['1x', 'a-b', '', 'a b', 'x.']) expect(() => precision({ name })).toThrow(`Expected identifier such as myMetric for name but received '${name}'`);
  for (const name of ['a', 'myMetric_2', 'Z9']) expect(precision({ name }).name).toBe(name);
  expect(() => precision({ name: 3 as never })).toThrow('for name but received 3 of type number');
  expect(() => precision({ name: ['ab'] as never })).toThrow('Expected identifier such as myMetric for name but received array');
  expect(recall({ average: 'macro' }).name).toBe('macroRecall');
});

test('each metric reads its own slots: ratios, 0 for an empty span, the square root for rmse', () => {
  const m = (type: string) => metricFromConfig({ type });
  expect(read(m('accuracy'), [3, 4])).toBe(0.75);
  expect(read(m('mae'), [1.5, 6])).toBe(0.25);
  expect(read(m('mse'), [2, 8])).toBe(0.25);
  expect(read(m('rmse'), [2, 8])).toBe(0.5);
  expect(read(topKAccuracy(2), [1, 4])).toBe(0.25);
  for (const type of ['accuracy', 'mae', 'mse', 'rmse', 'topKAccuracy']) expect(read(m(type), [0, 0])).toBe(0);
  // [tp, fp, fn] = [6, 2, 4]
  expect(read(precision(), [6, 2, 4])).toBe(0.75);
  expect(read(recall(), [6, 2, 4])).toBe(0.6);
  expect(read(f1(), [6, 2, 4])).toBe(12 / 18);
  for (const metric of [precision(), recall(), f1()]) expect(read(metric, [0, 0, 0])).toBe(0);
});

test('macro averages skip classes never seen nor predicted and are 0 with none', () => {
  // Three classes: [tp, fp, fn] = [2, 2, 0], [0, 0, 0] (absent), [1, 0, 3].
  const slots = [2, 2, 0, 0, 0, 0, 1, 0, 3];
  expect(read(precision({ average: 'macro' }), slots, 3)).toBe((0.5 + 1) / 2);
  expect(read(recall({ average: 'macro' }), slots, 3)).toBe((1 + 0.25) / 2);
  expect(read(f1({ average: 'macro' }), slots, 3)).toBeCloseTo((4 / 6 + 2 / 5) / 2, 15);
  // A class with fp only counts (precision 0), as does one with fn only.
  expect(read(precision({ average: 'macro' }), [0, 3, 0, 1, 0, 0], 2)).toBe(0.5);
  expect(read(recall({ average: 'macro' }), [0, 0, 3, 1, 0, 0], 2)).toBe(0.5);
  expect(read(f1({ average: 'macro' }), [0, 0, 0, 0, 0, 0], 2)).toBe(0);
});

test('counter widths: which counters fit which loss and output width', () => {
  const CE = LOSS_CATEGORICAL_CROSSENTROPY;
  const BCE = LOSS_BINARY_CROSSENTROPY;
  expect(countersPerRow(CE, 1)).toBe(true);
  expect(countersPerRow(LOSS_MSE, 2)).toBe(true);
  expect(countersPerRow(LOSS_MSE, 1)).toBe(false);
  expect(countersPerRow(BCE, 3)).toBe(false);
  for (const kind of [COUNTER_ACCURACY, COUNTER_ABS_ERROR, COUNTER_SQUARED_ERROR]) {
    expect(counterWidth({ kind, param: 0 }, BCE, 3)).toBe(2);
    expect(counterWidth({ kind, param: 1 }, BCE, 3)).toBe(0);
  }
  const topK = (k: number, loss: number, K: number) => counterWidth({ kind: COUNTER_TOP_K, param: k }, loss, K);
  expect([topK(1, CE, 3), topK(3, CE, 3), topK(4, CE, 3), topK(0, CE, 3), topK(2, LOSS_MSE, 2), topK(1, LOSS_MSE, 1), topK(1, BCE, 3)]).toEqual([2, 2, 0, 0, 2, 0, 0]);
  const binary = (loss: number, K: number) => counterWidth({ kind: COUNTER_CONFUSION, param: CONFUSION_BINARY }, loss, K);
  expect([binary(BCE, 3), binary(LOSS_MSE, 1), binary(CE, 2), binary(CE, 3), binary(LOSS_MSE, 3)]).toEqual([3, 3, 3, 0, 0]);
  expect(counterWidth({ kind: COUNTER_CONFUSION, param: CONFUSION_PER_CLASS }, CE, 4)).toBe(12);
  expect(counterWidth({ kind: COUNTER_CONFUSION, param: 2 }, CE, 4)).toBe(0);
  expect(counterWidth({ kind: COUNTER_KINDS, param: 0 }, CE, 4)).toBe(0);
});

test('metrics that count the same thing share one counter; values are read at each counter\'s offset', () => {
  const set = new MetricSet([precision(), metricFromConfig({ type: 'mse' }), recall(), metricFromConfig({ type: 'rmse' }), f1({ average: 'macro' }), topKAccuracy(1), topKAccuracy(2)]);
  expect(set.counters).toEqual([
    { kind: COUNTER_CONFUSION, param: CONFUSION_BINARY }, { kind: COUNTER_SQUARED_ERROR, param: 0 },
    { kind: COUNTER_CONFUSION, param: CONFUSION_PER_CLASS }, { kind: COUNTER_TOP_K, param: 1 }, { kind: COUNTER_TOP_K, param: 2 },
  ]);
  // Counters at offsets 0, 3, 5, 11, 13 after a base of 1 (K = 2).
  const offsets = [0, 3, 5, 11, 13];
  const s = Float64Array.from([99, 6, 2, 4, 2, 8, 1, 1, 0, 0, 1, 1, 3, 4, 2, 4]);
  expect(set.values(s, 1, (i) => offsets[i]!, 2)).toEqual({
    precision: 0.75, mse: 0.25, recall: 0.6, rmse: 0.5, macroF1: (2 / 3 + 0) / 2, top1Accuracy: 0.75, top2Accuracy: 0.5,
  });
  expect(new MetricSet([]).counters).toEqual([]);
});

test('resolveMetrics: defaults by loss, names and Metric objects, and the validation key', () => {
  expect(resolveMetrics(undefined, LOSS_MSE, 1).metrics).toEqual([]);
  expect(resolveMetrics(undefined, LOSS_BINARY_CROSSENTROPY, 1).metrics.map((m) => m.name)).toEqual(['accuracy']);
  expect(resolveMetrics(['mae', topKAccuracy(2)], LOSS_CATEGORICAL_CROSSENTROPY, 3).metrics.map((m) => m.name)).toEqual(['mae', 'top2Accuracy']);
  expect(() => resolveMetrics(['mae', metricFromConfig({ type: 'mae' })], LOSS_MSE, 1)).toThrow("Expected each metric once but received 'mae' twice in metrics (give one a name option)");
  expect(topKAccuracy(4).misfit(LOSS_CATEGORICAL_CROSSENTROPY, 3).message).toBe(
    "Expected a metric that fits loss 'categoricalCrossentropy' with 3 outputs but received 'top4Accuracy' (top-k accuracy needs one class per row (categorical cross-entropy, or mse with several outputs) and k ≤ outputs)");
  expect(precision().misfit(LOSS_MSE, 1).message).toContain("with 1 output but received 'precision'");
  // Metrics that fit every loss carry no reason; their message ends at the name.
  expect(metricFromConfig({ type: 'mae' }).misfit(LOSS_MSE, 1).message).toBe("Expected a metric that fits loss 'mse' with 1 output but received 'mae'");
  expect(validationKey('top2Accuracy')).toBe('valTop2Accuracy');
  expect(validationKey('mae')).toBe('valMae');
});
