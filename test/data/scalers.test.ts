// StandardScaler and MinMaxScaler: fitted in one pass (arrays or a stream) against a two-pass
// float64 reference, used as the model's preprocessing so raw rows give the right answer, and
// kept in the model file.
import { describe, expect, test } from 'vitest';
import { Dataset, Dense, MinMaxScaler, SGD, Sequential, StandardScaler, StateError } from '../../lib/index';
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
