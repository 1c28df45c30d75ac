// StandardScaler and MinMaxScaler: fitted in one pass (arrays or a stream) against a two-pass
// float64 reference, used as the model's preprocessing so raw rows give the right answer, and
// kept in the model file.
import { describe, expect, test } from 'vitest';
import { Dataset, Dense, InvalidArgumentError, MinMaxScaler, SGD, Sequential, ShapeError, StandardScaler, StateError } from '../../lib/index';
import { Scaler } from '../../lib/data/scalers';
import { expectClose } from '../helpers';

// Features with a large common offset (where a one-pass Σx² − (Σx)²/n formula loses every digit),
// a wide one and a constant one.
const N = 5000;
const F = 3;
const x = new Float32Array(N * F);
for (let r = 0; r < N; r++) {
  x[r * F] = 1e6 + Math.sin(r * 0.7);
  x[r * F + 1] = 300 * Math.cos(r * 1.3) - 40;
  x[r * F + 2] = 2.5;
}
const column = (f: number) => Array.from({ length: N }, (_, r) => x[r * F + f]!);

describe('fit', () => {
  test('StandardScaler: mean and population std per feature, as a two-pass float64 computation gives', async () => {
    const scaler = await new StandardScaler().fit(x, { features: F });
    for (let f = 0; f < F; f++) {
      const v = column(f);
      const mean = v.reduce((a, b) => a + b, 0) / N;
      const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / N);
      // Welford in float64 over float32 data: agreement to ~1e-12 of the value's scale.
      expect(scaler.offset![f]).toBeCloseTo(mean, 6);
      expect(scaler.factor![f]).toBeCloseTo(std > 0 ? 1 / std : 1, 9);
    }
    expect(scaler.factor![2]).toBe(1); // a constant feature keeps factor 1 (scikit-learn does the same)
    const scaled = scaler.transform(x);
    const first = Array.from({ length: N }, (_, r) => scaled[r * F]!);
    expect(first.reduce((a, b) => a + b, 0) / N).toBeCloseTo(0, 4);
    expect(Math.sqrt(first.reduce((a, b) => a + b * b, 0) / N)).toBeCloseTo(1, 4);
  });

  test('MinMaxScaler maps the fitted data onto [0, 1]', async () => {
    const scaler = await new MinMaxScaler().fit(x, { features: F });
    const scaled = scaler.transform(x);
    for (let f = 0; f < 2; f++) {
      const v = Array.from({ length: N }, (_, r) => scaled[r * F + f]!);
      expect(Math.min(...v)).toBeCloseTo(0, 6);
      expect(Math.max(...v)).toBeCloseTo(1, 6);
    }
    expect(scaler.offset![2]).toBe(2.5);
    expect(scaler.factor![2]).toBe(1);
  });

  test('a dataset of examples or of batches gives the same scaler as the arrays', async () => {
    const labels = new Int32Array(N);
    const arrays = await new StandardScaler().fit(x, { features: F });
    const rows = await new StandardScaler().fit(Dataset.fromArrays(x, labels, { features: F }));
    const batches = await new StandardScaler().fit(Dataset.fromArrays(x, labels, { features: F }).batch(333), { features: F });
    expect(rows.toJSON()).toEqual(arrays.toJSON());
    expect(batches.toJSON()).toEqual(arrays.toJSON());
  });

  test('errors: unfitted, wrong widths, bad records', async () => {
    expect(() => new StandardScaler().transform(x)).toThrow(StateError);
    await expect(new StandardScaler().fit(x, { features: 7 })).rejects.toThrow(/Expected rows of 7 features but received Float32Array of length 15000/);
    await expect(new MinMaxScaler().fit(Dataset.fromArrays(x, new Int32Array(N), { features: F }).batch(10))).rejects.toThrow(/Expected positive integer for features/);
    expect(() => StandardScaler.fromJSON({ type: 'robust', offset: [0], factor: [1] })).toThrow(/Expected 'standard' or 'minMax' for scaler type/);
    expect(() => StandardScaler.fromJSON({ type: 'standard', offset: [0], factor: [NaN] })).toThrow(/finite numbers for scaler factor/);
  });
});

describe('exact values and every refusal', () => {
  const rows = Float32Array.of(1, 10, 3, 10, 5, 10, 7, 10); // 4 rows × 2 features; the second constant

  test('StandardScaler on a tiny table: mean, population std, factor 1 for a constant feature; refits from scratch', async () => {
    const s = new StandardScaler();
    expect(s.features).toBeUndefined();
    await s.fit(rows, { features: 2 });
    expect(s.features).toBe(2);
    expect(s.toJSON()).toEqual({ type: 'standard', offset: [4, 10], factor: [1 / Math.sqrt(5), 1] });
    expect(Array.from(s.transform(Float32Array.of(4, 10, 9, 12)))).toEqual([0, 0, Math.fround(5 / Math.sqrt(5)), 2]);
    // A second fit forgets the first data.
    await s.fit(Float32Array.of(0, 1, 2, 3), { features: 1 });
    expect(s.toJSON()).toEqual({ type: 'standard', offset: [1.5], factor: [1 / Math.sqrt(1.25)] });
  });

  test('MinMaxScaler on a tiny table: strict min and max per feature, factor 1 for a constant feature; refits from scratch', async () => {
    const s = new MinMaxScaler();
    await s.fit(Float32Array.of(3, 10, -1, 10, 5, 10, 5, 10), { features: 2 });
    expect(s.toJSON()).toEqual({ type: 'minMax', offset: [-1, 10], factor: [1 / 6, 1] });
    await s.fit(Float32Array.of(2, 4), { features: 1 });
    expect(s.toJSON()).toEqual({ type: 'minMax', offset: [2], factor: [0.5] });
    expect(Array.from(s.transform(Float32Array.of(2, 4, 6)))).toEqual([0, 1, 2]);
  });

  test('a dataset of examples takes each x as one row; anything but Float32Array x is refused', async () => {
    const examples = Dataset.fromArrays(rows, new Int32Array(4), { features: 2 });
    expect((await new StandardScaler().fit(examples)).toJSON()).toEqual((await new StandardScaler().fit(rows, { features: 2 })).toJSON());
    const bad = Dataset.from(() => [{ x: [1, 2], y: 0 }] as never);
    await expect(new MinMaxScaler().fit(bad, { features: 2 })).rejects.toThrow(new InvalidArgumentError('Expected Float32Array for x of a dataset element but received array'));
    await expect(new MinMaxScaler().fit([1, 2] as never, { features: 2 })).rejects.toThrow(
      new InvalidArgumentError('Expected Float32Array (samples × features) or a Dataset for data but received array'));
    await expect(new MinMaxScaler().fit(rows, { features: 0 })).rejects.toThrow(new InvalidArgumentError('Expected positive integer for features but received 0 of type number'));
    await expect(new MinMaxScaler().fit(rows, { feature: 2 } as never)).rejects.toThrow("Unknown option 'feature' in MinMaxScaler.fit options");
  });

  test('no rows, an empty row, rows of another width and transform of a ragged x are refused', async () => {
    const empty = Dataset.from(() => []);
    await expect(new StandardScaler().fit(empty, { features: 2 })).rejects.toThrow(new InvalidArgumentError('Expected at least one row to fit the StandardScaler'));
    await expect(new MinMaxScaler().fit(empty, { features: 2 })).rejects.toThrow(new InvalidArgumentError('Expected at least one row to fit the MinMaxScaler'));
    await expect(new StandardScaler().fit(new Float32Array(0), { features: 2 })).rejects.toThrow(new ShapeError('Expected rows of 2 features but received Float32Array of length 0'));
    const widths = Dataset.from(() => [{ x: Float32Array.of(1, 2), y: Float32Array.of(0) }, { x: Float32Array.of(1, 2, 3), y: Float32Array.of(0) }]);
    await expect(new MinMaxScaler().fit(widths, { features: 2 })).rejects.toThrow(new ShapeError('Expected rows of 2 features but received Float32Array of length 3'));
    const s = await new MinMaxScaler().fit(rows, { features: 2 });
    expect(() => s.transform(Float32Array.of(1, 2, 3))).toThrow(new ShapeError("Expected x length to be a multiple of the scaler's 2 features but received Float32Array of length 3"));
    expect(() => new MinMaxScaler().toJSON()).toThrow(new StateError('The MinMaxScaler is not fitted yet: await scaler.fit(data) first'));
    const half = new StandardScaler();
    half.offset = Float64Array.of(0);
    expect(() => half.transform(Float32Array.of(1))).toThrow('The StandardScaler is not fitted yet');
    const otherHalf = new StandardScaler();
    otherHalf.factor = Float64Array.of(1);
    expect(() => otherHalf.transform(Float32Array.of(1))).toThrow('The StandardScaler is not fitted yet');
    // An example of another width than the first, even a multiple of it.
    const wider = Dataset.ofExamples(() => [{ x: Float32Array.of(1, 2), y: 0 }, { x: Float32Array.of(1, 2, 3, 4), y: 0 }], {} as never);
    await expect(new StandardScaler().fit(wider)).rejects.toThrow(new ShapeError('Expected rows of 2 features but received Float32Array of length 4'));
  });

  test('records: each field checked', () => {
    expect(Scaler.fromJSON({ type: 'minMax', offset: [1, 2], factor: [3, 4] })).toBeInstanceOf(MinMaxScaler);
    expect(Scaler.fromJSON({ type: 'standard', offset: [1], factor: [2] }).toJSON()).toEqual({ type: 'standard', offset: [1], factor: [2] });
    const refused: [unknown, string][] = [
      [{ type: 'standard', offset: [], factor: [] }, 'Expected non-empty array of finite numbers for scaler offset but received array'],
      [{ type: 'standard', offset: 1, factor: [1] }, 'Expected non-empty array of finite numbers for scaler offset but received 1 of type number'],
      [{ type: 'standard', offset: [0, '1'], factor: [1, 1] }, 'Expected non-empty array of finite numbers for scaler offset but received array'],
      [{ type: 'standard', offset: [0], factor: [Infinity] }, 'Expected non-empty array of finite numbers for scaler factor but received array'],
      [{ type: 'standard', offset: [0, 1], factor: [1] }, 'Expected as many scaler factors as offsets'],
      [{ type: 'standard', offset: [0], factor: [1], extra: 1 }, "Unknown option 'extra' in scaler record (known options: type, offset, factor)"],
      [null, 'Expected object for scaler record but received null'],
    ];
    for (const [record, message] of refused) expect(() => Scaler.fromJSON(record)).toThrow(new InvalidArgumentError(message));
  });
});

describe("as the model's preprocessing", () => {
  const build = () => {
    const m = new Sequential({ inputSize: F, seed: 4, layers: [new Dense(8, { activation: 'tanh' }), new Dense(1)] });
    m.compile({ loss: 'mse', optimizer: new SGD({ lr: 0.05 }) });
    return m;
  };
  const y = Float32Array.from({ length: N }, (_, r) => Math.sin(r * 0.7) + x[r * F + 1]! / 300);

  test('raw rows through a model with a scaler train and predict exactly as pre-scaled rows without one', async () => {
    const scaler = await new StandardScaler().fit(x, { features: F });
    const raw = build();
    raw.setPreprocessing(scaler);
    const scaledByHand = build();
    const options = { epochs: 2, batchSize: 100, shuffle: false };
    await raw.fit(x, y, options);
    await scaledByHand.fit(scaler.transform(x), y, options);
    expect(raw.params).toEqual(scaledByHand.params);
    expect(raw.predict(x)).toEqual(scaledByHand.predict(scaler.transform(x)));
    expect(await raw.predictAsync(x)).toEqual(scaledByHand.predict(scaler.transform(x)));
    expect(raw.evaluate(x, y)).toEqual(scaledByHand.evaluate(scaler.transform(x), y));
    expect(raw.trainStep(x.subarray(0, 30), y.subarray(0, 10))).toBe(scaledByHand.trainStep(scaler.transform(x.subarray(0, 30)), y.subarray(0, 10)));
    // Refitting the caller's scaler does not change the model's copy.
    await scaler.fit(x.subarray(0, 30), { features: F });
    expect(raw.preprocessing!.offset[0]).not.toBe(scaler.offset![0]);
  });

  test('saved with the model: a loaded model takes raw rows', async () => {
    const model = build();
    model.setPreprocessing(await new MinMaxScaler().fit(x, { features: F }));
    await model.fit(x, y, { epochs: 1, batchSize: 250 });
    const bytes = model.toBuffer();
    // Version 2 marks a file a version-1 reader would misread (it would skip the scaling).
    expect(bytes.toString('latin1', 0, 4000)).toMatch(/"format_version":"2"/);
    const loaded = await Sequential.fromBuffer(bytes);
    expect(loaded.preprocessing).toEqual(model.preprocessing);
    expectClose(loaded.predict(x.subarray(0, 300)), model.predict(x.subarray(0, 300)), 0, 0, 'predictions');
    expect(model.toJSON().preprocessing).toEqual(model.preprocessing);
    model.setPreprocessing(null);
    expect(model.preprocessing).toBeUndefined();
    expect(model.toBuffer().toString('latin1', 0, 4000)).toMatch(/"format_version":"1"/);
    expect(() => model.setPreprocessing(new StandardScaler())).toThrow(StateError);
    const narrow = await new StandardScaler().fit(new Float32Array(10), { features: 2 });
    expect(() => model.setPreprocessing(narrow)).toThrow(/Expected a scaler fitted on 3 features \(the model's inputSize\) but it was fitted on 2/);
  });
});
