// compile({ metrics }): every metric on both backends against an independent float64 reference
// computed here from predict()'s outputs (the definitions of Keras and scikit-learn written out
// plainly), over data sets of several inference chunks; epoch values as counts summed over the
// epoch; logs, History, validation, files and errors.
import { describe, expect, test } from 'vitest';
import {
  Dense, f1, InvalidArgumentError, METRIC_NAMES, precision, recall, SGD, Sequential, topKAccuracy, type BatchLogs, type History, type LossName,
} from '../lib/index';
import { Random } from '../lib/random';
import { Progress } from '../lib/train/progress';
import { randomFloats } from './helpers';

interface Case {
  name: string;
  loss: LossName;
  outputs: number;
  labels: boolean;
  metrics: (string | ReturnType<typeof precision>)[];
}

// Each loss with every metric that fits it; the per-row cases also with macro averages.
const CASES: Case[] = [
  { name: 'categorical, labels', loss: 'categoricalCrossentropy', outputs: 6, labels: true,
    metrics: ['accuracy', topKAccuracy(2), 'topKAccuracy', 'mae', 'mse', 'rmse', precision({ average: 'macro' }), recall({ average: 'macro' }), f1({ average: 'macro' })] },
  { name: 'categorical, one-hot', loss: 'categoricalCrossentropy', outputs: 3, labels: false,
    metrics: ['accuracy', topKAccuracy(2), 'mae', 'rmse', f1({ average: 'macro' }), precision({ average: 'macro' })] },
  { name: 'categorical, two classes', loss: 'categoricalCrossentropy', outputs: 2, labels: true,
    metrics: ['accuracy', 'precision', 'recall', 'f1', f1({ average: 'macro' })] },
  { name: 'binary, multi-label', loss: 'binaryCrossentropy', outputs: 3, labels: false,
    metrics: ['accuracy', 'mae', 'mse', 'rmse', 'precision', 'recall', 'f1', precision({ average: 'macro' }), recall({ average: 'macro' }), f1({ average: 'macro' })] },
  { name: 'mse, one output', loss: 'mse', outputs: 1, labels: false, metrics: ['accuracy', 'mae', 'mse', 'rmse', 'precision', 'recall', 'f1'] },
  { name: 'mse, several outputs', loss: 'mse', outputs: 3, labels: false,
    metrics: ['accuracy', topKAccuracy(2), 'mae', 'mse', 'rmse', recall({ average: 'macro' })] },
];

function data(c: Case, rows: number, seed: number): { x: Float32Array; y: Float32Array | Int32Array } {
  const random = new Random(seed);
  const x = randomFloats(random, rows * 5, 2);
  if (c.labels) return { x, y: Int32Array.from({ length: rows }, () => Math.floor(random.next() * c.outputs)) };
  const y = new Float32Array(rows * c.outputs);
  for (let r = 0; r < rows; r++) {
    if (c.loss === 'categoricalCrossentropy') y[r * c.outputs + Math.floor(random.next() * c.outputs)] = 1;
    else for (let k = 0; k < c.outputs; k++) y[r * c.outputs + k] = c.loss === 'binaryCrossentropy' ? Number(random.next() < 0.4) : random.next();
  }
  return { x, y };
}

function build(c: Case, backend: 'native' | 'js', metrics: Case['metrics'] = c.metrics): Sequential {
  const activation = c.loss === 'categoricalCrossentropy' ? 'softmax' : c.loss === 'binaryCrossentropy' ? 'sigmoid' : 'sigmoid';
  const model = new Sequential({ inputSize: 5, layers: [new Dense(8, { activation: 'tanh' }), new Dense(c.outputs, { activation })], seed: 3, backend });
  model.compile({ loss: c.loss, optimizer: new SGD({ lr: 0.3 }), metrics: metrics as never });
  return model;
}

const argmax = (v: ArrayLike<number>, at: number, K: number): number => {
  let best = 0;
  for (let k = 1; k < K; k++) if ((v[at + k] as number) > (v[at + best] as number)) best = k;
  return best;
};
const safe = (num: number, den: number): number => (den === 0 ? 0 : num / den);

/**
 * The metrics from the activated outputs p (rows × K) and the targets, in float64, written from
 * the definitions rather than from the native counters: one class per row for categorical
 * losses and mse with K > 1 (argmax, label or target argmax), one decision per element at 0.5
 * otherwise; precision/recall/f1 per scikit-learn (macro: over the labels present in the
 * targets or the predictions; 0 where undefined).
 */
function reference(c: Case, p: Float32Array, y: Float32Array | Int32Array, rows: number): Record<string, number> {
  const K = c.outputs;
  const perRow = c.loss === 'categoricalCrossentropy' || (c.loss === 'mse' && K > 1);
  const target = (r: number, k: number) => (y instanceof Int32Array ? Number(y[r] === k) : (y[r * K + k] as number));
  const truth = (r: number) => (y instanceof Int32Array ? (y[r] as number) : argmax(y, r * K, K));
  // (predicted, true) pairs of yes/no decisions per "class" (a class per row, or an output per element).
  const pairs: { classOf: number; predicted: number; actual: number }[] = [];
  for (let r = 0; r < rows; r++) {
    if (perRow) pairs.push({ classOf: -1, predicted: argmax(p, r * K, K), actual: truth(r) });
    else for (let k = 0; k < K; k++) pairs.push({ classOf: k, predicted: Number((p[r * K + k] as number) > 0.5), actual: Number(target(r, k) > 0.5) });
  }
  let abs = 0;
  let sq = 0;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < K; k++) {
      const e = (p[r * K + k] as number) - target(r, k);
      abs += Math.abs(e);
      sq += e * e;
    }
  }
  const confusion = (positive: (pair: (typeof pairs)[number]) => [boolean, boolean]) => {
    let [tp, fp, fn] = [0, 0, 0];
    for (const pair of pairs) {
      const [pred, act] = positive(pair);
      if (pred && act) tp++;
      else if (pred) fp++;
      else if (act) fn++;
    }
    return { precision: safe(tp, tp + fp), recall: safe(tp, tp + fn), f1: safe(2 * tp, 2 * tp + fp + fn), seen: tp + fp + fn > 0 };
  };
  const binary = perRow ? confusion((q) => [q.predicted === 1, q.actual === 1]) : confusion((q) => [q.predicted === 1, q.actual === 1]);
  const macro = (which: 'precision' | 'recall' | 'f1') => {
    const values: number[] = [];
    for (let k = 0; k < K; k++) {
      const m = perRow ? confusion((q) => [q.predicted === k, q.actual === k]) : confusion((q) => (q.classOf === k ? [q.predicted === 1, q.actual === 1] : [false, false]));
      if (m.seen) values.push(m[which]);
    }
    return safe(values.reduce((a, b) => a + b, 0), values.length);
  };
  const topK = (k: number) => {
    let hits = 0;
    for (let r = 0; r < rows; r++) {
      const t = p[r * K + truth(r)] as number;
      let above = 0;
      for (let j = 0; j < K; j++) if ((p[r * K + j] as number) > t) above++;
      if (above < k) hits++;
    }
    return hits / rows;
  };
  return {
    accuracy: pairs.filter((q) => q.predicted === q.actual).length / pairs.length,
    top2Accuracy: perRow ? topK(2) : NaN, top5Accuracy: perRow ? topK(5) : NaN,
    mae: abs / (rows * K), mse: sq / (rows * K), rmse: Math.sqrt(sq / (rows * K)),
    precision: binary.precision, recall: binary.recall, f1: binary.f1,
    macroPrecision: macro('precision'), macroRecall: macro('recall'), macroF1: macro('f1'),
  };
}

// Titles through '%s' (no quotes in the test names, which StrykerJS matches tests by).
describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
  // 700 rows: three inference chunks of 256, the last one short.
  const { x, y } = data(c, 700, 11);

  test.each(['native', 'js'] as const)('evaluate on the %s backend equals the float64 reference', async (backend) => {
    const model = build(c, backend);
    const expected = reference(c, model.predict(x), y, 700);
    const result = model.evaluate(x, y);
    expect(Object.keys(result)).toEqual(['loss', ...model.metricNames]);
    for (const name of model.metricNames) {
      // Counts are exact; the error sums are float64 sums of float32 differences, so only their
      // summation order differs from the reference's (≲ 1e-15 relative).
      expect(result[name], name).toBeCloseTo(expected[name]!, 12);
    }
    const async = await model.evaluateAsync(x, y, { batchSize: 97 });
    for (const name of model.metricNames) expect(async[name], name).toBeCloseTo(expected[name]!, 12);
  });

  test('an epoch reports the counts summed over its batches, each batch its own; both backends alike', async () => {
    const histories = [];
    for (const backend of ['native', 'js'] as const) {
      const model = build(c, backend);
      model.optimizer!.lr = 0; // weights stay put, so every batch and the epoch can be recomputed
      const batches: BatchLogs[] = [];
      const history = await model.fit(x, y, { batchSize: 64, shuffle: false, callbacks: { onBatchEnd: (_, logs) => void batches.push(logs) } });
      const whole = reference(c, model.predict(x), y, 700);
      for (const name of model.metricNames) expect(history[name]![0], name).toBeCloseTo(whole[name]!, 12);
      expect(batches).toHaveLength(11);
      const K = c.outputs;
      const last = 10;
      const rows = 700 - 64 * last;
      const xs = x.subarray(64 * last * 5);
      const ys = y instanceof Int32Array ? y.subarray(64 * last) : y.subarray(64 * last * K);
      const lastBatch = reference(c, model.predict(xs), ys, rows);
      for (const name of model.metricNames) expect(batches[last]![name], name).toBeCloseTo(lastBatch[name]!, 12);
      histories.push(history);
    }
    // Counts are identical; the loss differs by float32 round-off between the two summation orders.
    const [native, js] = histories as [History, History];
    expect(Object.keys(native)).toEqual(Object.keys(js));
    for (const key of Object.keys(native)) {
      if (key === 'loss') expect(native.loss[0]).toBeCloseTo(js.loss[0]!, 5);
      else if (key !== 'mae' && key !== 'mse' && key !== 'rmse') expect(native[key], key).toEqual(js[key]);
      else expect(native[key]![0], key).toBeCloseTo(js[key]![0]!, 6);
    }
  });
});

test('validation metrics are named val<Metric>, and History and the progress line carry them', async () => {
  const c = CASES[0]!;
  const { x, y } = data(c, 300, 5);
  const model = build(c, 'native', ['accuracy', topKAccuracy(2), f1({ average: 'macro' })]);
  const lines: string[] = [];
  const out = { write: (s: string) => lines.push(s), isTTY: false } as unknown as NodeJS.WritableStream;
  const progress = new Progress(1, 1, out);
  const history = await model.fit(x, y, { epochs: 2, batchSize: 32, validationSplit: 0.2, callbacks: { onEpochEnd: (_, logs) => progress.epochEnd(0, 240, logs) } });
  expect(Object.keys(history).sort()).toEqual(
    ['accuracy', 'epoch', 'loss', 'lr', 'macroF1', 'top2Accuracy', 'valAccuracy', 'valLoss', 'valMacroF1', 'valTop2Accuracy'].sort(),
  );
  const held = reference(c, model.predict(x.subarray(240 * 5)), y.subarray(240), 60);
  expect(history.valMacroF1![1]).toBeCloseTo(held.macroF1!, 12);
  expect(history.valTop2Accuracy![1]).toBeCloseTo(held.top2Accuracy!, 12);
  expect(lines[1]).toMatch(/ - loss \d\.\d{6} - accuracy \d\.\d{4} - top2Accuracy \d\.\d{4} - macroF1 \d\.\d{4} - valLoss \d\.\d{6} - valAccuracy \d\.\d{4} - valTop2Accuracy/);
});

test('defaults: accuracy for the cross-entropy losses, nothing for mse; [] turns accuracy off', () => {
  const model = (loss: LossName, metrics?: string[]) => {
    const m = new Sequential({ inputSize: 2, layers: [new Dense(2, { activation: loss === 'categoricalCrossentropy' ? 'softmax' : loss === 'binaryCrossentropy' ? 'sigmoid' : 'linear' })] });
    m.compile({ loss, optimizer: new SGD(), ...(metrics && { metrics: metrics as never }) });
    return m;
  };
  expect(model('categoricalCrossentropy').metricNames).toEqual(['accuracy']);
  expect(model('binaryCrossentropy').metricNames).toEqual(['accuracy']);
  expect(model('mse').metricNames).toEqual([]);
  expect(Object.keys(model('categoricalCrossentropy', []).evaluate(new Float32Array(4), Int32Array.from([0, 1])))).toEqual(['loss']);
  expect(METRIC_NAMES).toEqual(['accuracy', 'topKAccuracy', 'mae', 'mse', 'rmse', 'precision', 'recall', 'f1']);
});

test.each(['native', 'js'] as const)('%s backend: a score exactly at the threshold and a target of exactly 0.5 are negatives (y > 0.5, as Keras)', (backend) => {
  const model = new Sequential({ inputSize: 2, layers: [new Dense(2, { activation: 'sigmoid' })], backend });
  model.compile({ loss: 'binaryCrossentropy', optimizer: new SGD(), metrics: ['accuracy', 'precision', 'recall'] });
  model.params.fill(0);
  model.params[5] = 10; // the second output's bias: sigmoid(0) = 0.5 exactly, then sigmoid(10) ≈ 1
  const result = model.evaluate(new Float32Array(6), Float32Array.of(1, 0.5, 0, 1, 0.5, 0));
  // Predicted (no, yes) on every row. True: (yes, no), (no, yes), (no, no). Elements right: 3 of 6;
  // true positives 1 (row 2), false positives 2 (rows 1, 3), false negatives 1 (row 1).
  expect(result).toMatchObject({ accuracy: 3 / 6, precision: 1 / 3, recall: 1 / 2 });
});

test.each(['native', 'js'] as const)('%s backend: an error metric on its own, after a softmax folded into the loss, reads the probabilities', (backend) => {
  const c = CASES[0]!;
  const { x, y } = data(c, 300, 5);
  for (const metric of ['mae', 'rmse']) {
    const model = build(c, backend, [metric]);
    const expected = reference(c, model.predict(x), y, 300)[metric]!;
    expect(model.evaluate(x, y)[metric], metric).toBeCloseTo(expected, 12);
  }
});

test('a metric that cannot be computed for the loss, a duplicate or an unknown name is refused, naming it', () => {
  const compile = (loss: LossName, outputs: number, metrics: unknown) => () => {
    const m = new Sequential({ inputSize: 2, layers: [new Dense(outputs, { activation: loss === 'categoricalCrossentropy' ? 'softmax' : loss === 'binaryCrossentropy' ? 'sigmoid' : 'linear' })] });
    m.compile({ loss, optimizer: new SGD(), metrics: metrics as never });
  };
  const cases: [() => void, RegExp][] = [
    [compile('binaryCrossentropy', 3, [topKAccuracy(2)]), /fits loss 'binaryCrossentropy' with 3 outputs but received 'top2Accuracy' \(top-k accuracy needs one class per row/],
    [compile('categoricalCrossentropy', 3, [topKAccuracy(4)]), /received 'top4Accuracy'.*k ≤ outputs/],
    [compile('categoricalCrossentropy', 3, ['precision']), /received 'precision' \(average 'binary' needs .* use average 'macro'\)/],
    [compile('mse', 1, [topKAccuracy(1)]), /fits loss 'mse' with 1 output but received 'top1Accuracy'/],
    [compile('categoricalCrossentropy', 3, ['accuracy', 'accuracy']), /Expected each metric once but received 'accuracy' twice/],
    [compile('categoricalCrossentropy', 3, ['acuracy']), /for metrics\[0\] but received 'acuracy' of type string; did you mean 'accuracy'\?/],
    [compile('categoricalCrossentropy', 3, [42]), /Expected metric name such as 'accuracy'.* for metrics\[0\] but received 42 of type number/],
    [compile('categoricalCrossentropy', 3, 'accuracy'), /Expected array such as .* for metrics but received 'accuracy'/],
    [() => topKAccuracy(0), /Expected positive integer for k but received 0/],
    [() => f1({ average: 'micro' as never }), /Expected one of 'binary', 'macro' for average but received 'micro'/],
    [() => precision({ name: '1bad' }), /Expected identifier .* for name but received '1bad'/],
  ];
  for (const [call, message] of cases) {
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
  }
  // A name option tells two of a kind apart.
  expect(() => compile('categoricalCrossentropy', 3, ['accuracy', topKAccuracy(1, { name: 'top1' })])()).not.toThrow();
});

test('the metrics are saved with the model and come back with it', async () => {
  const c = CASES[3]!;
  const model = build(c, 'native');
  const { x, y } = data(c, 50, 2);
  const loaded = await Sequential.fromBuffer(model.toBuffer());
  expect(loaded.metricNames).toEqual(model.metricNames);
  expect(loaded.evaluate(x, y)).toEqual(model.evaluate(x, y));
  expect(model.toJSON().metrics).toEqual([
    { type: 'accuracy' }, { type: 'mae' }, { type: 'mse' }, { type: 'rmse' }, { type: 'precision', average: 'binary' },
    { type: 'recall', average: 'binary' }, { type: 'f1', average: 'binary' }, { type: 'precision', average: 'macro' },
    { type: 'recall', average: 'macro' }, { type: 'f1', average: 'macro' },
  ]);
  expect(model.summary()).toContain('metrics: accuracy, mae, mse, rmse, precision, recall, f1, macroPrecision, macroRecall, macroF1');
});
