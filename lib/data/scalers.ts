// Input normalization that travels with the model: a scaler is fitted in one streaming pass over
// arrays or a dataset, then set as the model's preprocessing (model.setPreprocessing), so every
// call that takes raw rows (fit, predict, evaluate, …) scales them the same way, and it is saved
// in the model file. Both scalers are x' = (x − offset) · factor per feature.
import { InvalidArgumentError, ShapeError, StateError } from '../errors';
import { typedArrayKind } from '../typed-arrays';
import { describe, invalid, positiveInteger, readOptions } from '../validate';
import { Dataset, type Batch, type Example } from './dataset';

/** A fitted scaler as model files and toJSON() record it. */
export interface ScalerRecord {
  readonly type: 'standard' | 'minMax';
  readonly offset: readonly number[];
  readonly factor: readonly number[];
}

type ScalerInput = Float32Array | Dataset<Example> | Dataset<Batch>;

export abstract class Scaler {
  abstract readonly type: 'standard' | 'minMax';
  /** Per feature: subtracted first. */
  offset: Float64Array | undefined;
  /** Per feature: multiplied after. */
  factor: Float64Array | undefined;

  /** Features the scaler was fitted on; undefined before fit. */
  get features(): number | undefined {
    return this.offset?.length;
  }

  /**
   * Fits in one pass over x (samples × features, with `{ features }`) or a dataset of examples
   * or batches (its batches' x rows). Returns this.
   */
  async fit(data: ScalerInput, options: { features?: number } = {}): Promise<this> {
    const o = readOptions(`${this.constructor.name}.fit options`, options, ['features']);
    if (data instanceof Dataset) {
      // A batch's x is rows × features: its width must be given; an example's x is one row.
      const batchWidth = data.batched ? positiveInteger('features', o.features) : undefined;
      for await (const element of data as AsyncIterable<Example | Batch>) {
        const x = (element as { x?: unknown }).x;
        if (typedArrayKind(x) !== 'Float32Array') throw invalid('x of a dataset element', 'Float32Array', x);
        this.accumulate(x as Float32Array, batchWidth ?? (x as Float32Array).length);
      }
    } else {
      if (typedArrayKind(data) !== 'Float32Array') throw invalid('data', 'Float32Array (samples × features) or a Dataset', data);
      this.accumulate(data, positiveInteger('features', o.features));
    }
    this.finish();
    return this;
  }

  /** The scaled rows, as a new array. */
  transform(x: Float32Array): Float32Array {
    const { offset, factor } = this.fitted();
    const F = offset.length;
    if (x.length % F !== 0) throw new ShapeError(`Expected x length to be a multiple of the scaler's ${F} features but received ${describe(x)}`);
    const out = new Float32Array(x.length);
    // Stryker disable next-line EqualityOperator: equivalent, one more pass writes past the end of a Float32Array, which ignores it
    for (let i = 0; i < x.length; i++) out[i] = (x[i]! - offset[i % F]!) * factor[i % F]!;
    return out;
  }

  toJSON(): ScalerRecord {
    const { offset, factor } = this.fitted();
    return { type: this.type, offset: Array.from(offset), factor: Array.from(factor) };
  }

  /** A fitted scaler from its record (a model file's), checked. */
  static fromJSON(record: unknown): Scaler {
    const r = readOptions('scaler record', record, ['type', 'offset', 'factor']);
    const scaler = r.type === 'standard' ? new StandardScaler() : r.type === 'minMax' ? new MinMaxScaler() : undefined;
    if (scaler === undefined) throw invalid('scaler type', "'standard' or 'minMax'", r.type);
    const numbers = (name: string, v: unknown) => {
      if (!Array.isArray(v) || v.length === 0 || !v.every((n) => typeof n === 'number' && Number.isFinite(n))) throw invalid(name, 'non-empty array of finite numbers', v);
      return Float64Array.from(v as number[]);
    };
    scaler.offset = numbers('scaler offset', r.offset);
    scaler.factor = numbers('scaler factor', r.factor);
    if (scaler.factor.length !== scaler.offset.length) throw new InvalidArgumentError('Expected as many scaler factors as offsets');
    return scaler;
  }

  /** @internal */
  fitted(): { offset: Float64Array; factor: Float64Array } {
    if (this.offset === undefined || this.factor === undefined) throw new StateError(`The ${this.constructor.name} is not fitted yet: await scaler.fit(data) first`);
    return { offset: this.offset, factor: this.factor };
  }

  /** Adds rows of x (rows × width) to the running statistics. */
  protected abstract accumulate(x: Float32Array, width: number): void;
  /** Turns the statistics into offset and factor. */
  protected abstract finish(): void;

  /** The feature count: the one seen first, which every later row must have. */
  protected width(x: Float32Array, width: number, seen: number | undefined): number {
    const F = seen ?? width;
    if (width !== F || x.length === 0 || x.length % F !== 0) throw new ShapeError(`Expected rows of ${F} features but received ${describe(x)}`);
    return F;
  }
}

/**
 * (x − mean) / std per feature, with the population standard deviation (as scikit-learn's
 * StandardScaler); a constant feature keeps factor 1. Mean and variance by Welford's update
 * (Knuth, TAOCP vol. 2, 4.2.2), in float64, so a large common offset does not cancel.
 */
export class StandardScaler extends Scaler {
  readonly type = 'standard';
  private count = 0;
  private mean: Float64Array | undefined;
  private m2: Float64Array | undefined;

  protected accumulate(x: Float32Array, width: number): void {
    const F = this.width(x, width, this.mean?.length);
    this.mean ??= new Float64Array(F);
    this.m2 ??= new Float64Array(F);
    const { mean, m2 } = this;
    for (let r = 0; r < x.length / F; r++) {
      this.count++;
      // Stryker disable next-line EqualityOperator: equivalent, one more pass only writes past the ends of mean and m2 (Float64Arrays ignore it)
      for (let f = 0; f < F; f++) {
        const v = x[r * F + f]!;
        const delta = v - mean[f]!;
        mean[f]! += delta / this.count;
        m2[f]! += delta * (v - mean[f]!);
      }
    }
  }

  protected finish(): void {
    if (this.count === 0) throw new InvalidArgumentError('Expected at least one row to fit the StandardScaler');
    this.offset = Float64Array.from(this.mean!);
    this.factor = Float64Array.from(this.m2!, (m2) => (m2 > 0 ? 1 / Math.sqrt(m2 / this.count) : 1));
    [this.count, this.mean, this.m2] = [0, undefined, undefined];
  }
}

/** (x − min) / (max − min) per feature, into [0, 1] on the fitted data; a constant feature keeps factor 1. */
export class MinMaxScaler extends Scaler {
  readonly type = 'minMax';
  private min: Float64Array | undefined;
  private max: Float64Array | undefined;

  protected accumulate(x: Float32Array, width: number): void {
    const F = this.width(x, width, this.min?.length);
    this.min ??= new Float64Array(F).fill(Infinity);
    this.max ??= new Float64Array(F).fill(-Infinity);
    // Stryker disable next-line EqualityOperator: equivalent, one more pass reads undefined, which is neither below min nor above max
    for (let i = 0; i < x.length; i++) {
      const f = i % F;
      // Stryker disable next-line EqualityOperator: equivalent, an equal value stored again changes nothing
      if (x[i]! < this.min[f]!) this.min[f] = x[i]!;
      // Stryker disable next-line EqualityOperator: equivalent, an equal value stored again changes nothing
      if (x[i]! > this.max[f]!) this.max[f] = x[i]!;
    }
  }

  protected finish(): void {
    if (this.min === undefined) throw new InvalidArgumentError('Expected at least one row to fit the MinMaxScaler');
    this.offset = Float64Array.from(this.min);
    this.factor = Float64Array.from(this.min, (lo, f) => (this.max![f]! > lo ? 1 / (this.max![f]! - lo) : 1));
    this.min = undefined;
    this.max = undefined;
  }
}
