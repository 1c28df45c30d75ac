// The metrics compile() takes: each is a counter that native code fills in the same pass as the
// loss (lib/metrics/counters.ts) and a ratio taken here over whatever span is reported — one
// batch, an epoch (the counters summed first, so the epoch's precision is the precision of the
// epoch, not a mean of batch values) or an evaluation.
import { InvalidArgumentError } from '../errors';
import { LOSS_MSE, LOSSES } from '../layout';
import {
  COUNTER_ABS_ERROR, COUNTER_ACCURACY, COUNTER_CONFUSION, COUNTER_SQUARED_ERROR, COUNTER_TOP_K, CONFUSION_BINARY,
  CONFUSION_PER_CLASS, counterWidth, type CounterSpec,
} from './counters';
import { invalid, oneOf, positiveInteger, readArray, readOptions } from '../validate';

export const METRIC_NAMES = ['accuracy', 'topKAccuracy', 'mae', 'mse', 'rmse', 'precision', 'recall', 'f1'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface AveragedMetricOptions {
  /**
   * 'binary' (default): of the positive class — every output element above 0.5 for
   * binaryCrossentropy, class 1 of two for categorical outputs. 'macro': the unweighted mean
   * over classes (or over outputs, for binaryCrossentropy) of the per-class value, over the
   * classes that occurred as a target or a prediction (as scikit-learn's average='macro').
   */
  average?: 'binary' | 'macro';
  /** The key in logs and History. Default: the metric's name ('precision', 'macroPrecision', …). */
  name?: string;
}

/** Reads the ratio off a counter's slots s[o…] for K outputs. */
type Reduce = (s: Float64Array, o: number, K: number) => number;

const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);

/** precision, recall or F1 from [tp, fp, fn] (0 when undefined, as scikit-learn's zero_division=0). */
const fromConfusion: Record<'precision' | 'recall' | 'f1', (tp: number, fp: number, fn: number) => number> = {
  precision: (tp, fp) => ratio(tp, tp + fp),
  recall: (tp, _fp, fn) => ratio(tp, tp + fn),
  // 2PR / (P + R), written in counts so that P + R = 0 needs no special case.
  f1: (tp, fp, fn) => ratio(2 * tp, 2 * tp + fp + fn),
};

/** A metric as model files and toJSON() record it; metricFromConfig builds it again. */
export interface MetricConfig {
  readonly type: MetricName;
  readonly k?: number;
  readonly average?: 'binary' | 'macro';
  readonly name?: string;
}

/** A metric for compile({ metrics }): what native code counts and how the ratio is taken. */
export class Metric {
  /** @internal */
  constructor(
    readonly config: MetricConfig,
    readonly name: string,
    /** @internal */ readonly counter: CounterSpec,
    /** @internal */ readonly reduce: Reduce,
    /** Why the counter may not fit a loss, for the error message (metrics that fit every loss have none). */
    private readonly needs?: string,
  ) {}

  /** @internal The error for a loss and output width this metric cannot be computed for. */
  misfit(loss: number, K: number): InvalidArgumentError {
    return new InvalidArgumentError(
      `Expected a metric that fits loss '${LOSSES[loss]}' with ${K} output${K === 1 ? '' : 's'} but received '${this.name}'${this.needs === undefined ? '' : ` (${this.needs})`}`,
    );
  }
}

function readName(options: { name?: unknown }, fallback: string): string {
  if (options.name === undefined) return fallback;
  if (typeof options.name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(options.name)) {
    throw invalid('name', 'identifier such as myMetric', options.name);
  }
  return options.name;
}

/** Fraction of rows whose true class is among the k highest scores (ties at the boundary count as hits). */
export function topKAccuracy(k = 5, options: { name?: string } = {}): Metric {
  positiveInteger('k', k);
  const o = readOptions('topKAccuracy options', options, ['name']);
  const config = { type: 'topKAccuracy' as const, k, ...(o.name !== undefined && { name: o.name as string }) };
  return new Metric(config, readName(o, `top${k}Accuracy`), { kind: COUNTER_TOP_K, param: k }, (s, at) => ratio(s[at]!, s[at + 1]!),
    `top-k accuracy needs one class per row (categorical cross-entropy, or mse with several outputs) and k ≤ outputs`);
}

function averaged(metric: 'precision' | 'recall' | 'f1', options: AveragedMetricOptions): Metric {
  const o = readOptions(`${metric} options`, options, ['average', 'name']);
  const average = oneOf('average', o.average ?? 'binary', ['binary', 'macro'] as const);
  const of = fromConfusion[metric];
  const config = { type: metric, average, ...(o.name !== undefined && { name: o.name as string }) };
  if (average === 'binary') {
    return new Metric(config, readName(o, metric), { kind: COUNTER_CONFUSION, param: CONFUSION_BINARY }, (s, at) => of(s[at]!, s[at + 1]!, s[at + 2]!),
      `average 'binary' needs one output per element (binaryCrossentropy, or mse with one output) or two classes; use average 'macro'`);
  }
  const name = readName(o, `macro${metric[0]!.toUpperCase()}${metric.slice(1)}`);
  return new Metric(config, name, { kind: COUNTER_CONFUSION, param: CONFUSION_PER_CLASS }, (s, at, K) => {
    let sum = 0;
    let classes = 0;
    for (let c = 0; c < K; c++) {
      const [tp, fp, fn] = [s[at + 3 * c]!, s[at + 3 * c + 1]!, s[at + 3 * c + 2]!];
      if (tp + fp + fn === 0) continue; // a class never seen nor predicted takes no part
      sum += of(tp, fp, fn);
      classes++;
    }
    return ratio(sum, classes);
  });
}

/** tp / (tp + fp). */
export function precision(options: AveragedMetricOptions = {}): Metric {
  return averaged('precision', options);
}
/** tp / (tp + fn). */
export function recall(options: AveragedMetricOptions = {}): Metric {
  return averaged('recall', options);
}
/** The harmonic mean of precision and recall: 2·tp / (2·tp + fp + fn). */
export function f1(options: AveragedMetricOptions = {}): Metric {
  return averaged('f1', options);
}

const errorMetric = (name: 'accuracy' | 'mae' | 'mse' | 'rmse', kind: number, reduce: Reduce): Metric =>
  new Metric({ type: name }, name, { kind, param: 0 }, reduce);

/** The metric a name in compile({ metrics }) stands for. */
function byName(name: MetricName): Metric {
  switch (name) {
    case 'accuracy':
      // Categorical, binary or sparse as the loss and targets imply (counters.ts countersPerRow).
      return errorMetric('accuracy', COUNTER_ACCURACY, (s, at) => ratio(s[at]!, s[at + 1]!));
    case 'topKAccuracy':
      return topKAccuracy();
    // Errors of the activated outputs (probabilities for the cross-entropy losses) against the
    // targets, class labels read as one-hot rows; means over every output element.
    case 'mae':
      return errorMetric('mae', COUNTER_ABS_ERROR, (s, at) => ratio(s[at]!, s[at + 1]!));
    case 'mse':
      return errorMetric('mse', COUNTER_SQUARED_ERROR, (s, at) => ratio(s[at]!, s[at + 1]!));
    case 'rmse':
      return errorMetric('rmse', COUNTER_SQUARED_ERROR, (s, at) => Math.sqrt(ratio(s[at]!, s[at + 1]!)));
    default:
      return averaged(name, {});
  }
}

/** The metric a MetricConfig (from a model file or toJSON()) describes. */
export function metricFromConfig(value: unknown): Metric {
  const o = readOptions('metric config', value, ['type', 'k', 'average', 'name']);
  const type = oneOf('type', o.type, METRIC_NAMES);
  // Stryker disable next-line ConditionalExpression: equivalent, { name: undefined } reads as no name (the test is for the types)
  const named = o.name === undefined ? {} : { name: o.name as string };
  if (type === 'topKAccuracy') return topKAccuracy(o.k as number, named);
  if (type === 'precision' || type === 'recall' || type === 'f1') return averaged(type, { average: o.average as 'binary' | 'macro', ...named });
  if (o.k !== undefined || o.average !== undefined || o.name !== undefined) throw invalid('metric config', `{ type: '${type}' } alone`, value);
  return byName(type);
}

/**
 * The metrics of a compiled model: their counters (one per distinct counter: precision, recall
 * and f1 share theirs) and how to read each metric off a batch's stats.
 */
export class MetricSet {
  readonly metrics: readonly Metric[];
  readonly counters: readonly CounterSpec[];
  /** Index into counters of each metric's counter. */
  private readonly slot: readonly number[];

  constructor(metrics: readonly Metric[]) {
    this.metrics = metrics;
    const counters: CounterSpec[] = [];
    this.slot = metrics.map(({ counter }) => {
      const i = counters.findIndex((c) => c.kind === counter.kind && c.param === counter.param);
      return i >= 0 ? i : counters.push(counter) - 1;
    });
    this.counters = counters;
  }

  /** Each metric's value from counters laid out at `offsets` (Layout.counterOffset) in s, starting at `base`. */
  values(s: Float64Array, base: number, offsets: (i: number) => number, K: number): Record<string, number> {
    const out: Record<string, number> = {};
    this.metrics.forEach((m, i) => {
      out[m.name] = m.reduce(s, base + offsets(this.slot[i]!), K);
    });
    return out;
  }
}

/**
 * compile's `metrics`, checked against the loss and output width. Without the option, a model
 * trained with a cross-entropy loss reports accuracy and one trained with mse reports nothing.
 */
export function resolveMetrics(value: unknown, loss: number, K: number): MetricSet {
  if (value === undefined) return new MetricSet(loss === LOSS_MSE ? [] : [byName('accuracy')]);
  const list = readArray(value);
  if (list === undefined) throw invalid('metrics', "array such as ['accuracy', topKAccuracy(3)]", value);
  const metrics = list.map((entry, i) => {
    if (entry instanceof Metric) return entry;
    if (typeof entry === 'string') return byName(oneOf(`metrics[${i}]`, entry, METRIC_NAMES));
    throw invalid(`metrics[${i}]`, "metric name such as 'accuracy' or a metric such as precision({ average: 'macro' })", entry);
  });
  const seen = new Set<string>();
  for (const m of metrics) {
    if (seen.has(m.name)) throw new InvalidArgumentError(`Expected each metric once but received '${m.name}' twice in metrics (give one a name option)`);
    seen.add(m.name);
    if (counterWidth(m.counter, loss, K) === 0) throw m.misfit(loss, K);
  }
  return new MetricSet(metrics);
}

/** The key of a metric's value on the validation data in epoch logs and History: valAccuracy, valMae, … */
export function validationKey(name: string): string {
  return `val${name[0]!.toUpperCase()}${name.slice(1)}`;
}
