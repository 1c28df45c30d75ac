// Independent references for what the PyTorch vectors do not cover: evaluate over many chunks
// against a float64 computation, every integer label type against one-hot rows, and the
// documented initialisation (bounds, moments, zero biases, seeding).
import { describe, expect, test } from 'vitest';
import { Dense, SGD, Sequential, type LabelArray } from '../lib/index';
import { networkForward, networkLoss, outputBlock, type Memory } from '../lib/backends/js/network';
import { Layout, LOSS_CATEGORICAL_CROSSENTROPY } from '../lib/layout';
import { expectClose, expectIdentical } from './helpers';

describe.each(['native', 'js'] as const)('%s backend', (backend) => {
  test('evaluate over 1,100 rows (chunks of 256 and a short last one) equals a float64 reference', () => {
    const samples = 1100;
    const model = new Sequential({ inputSize: 3, seed: 8, backend, layers: [new Dense(9, { activation: 'tanh' }), new Dense(4, { activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD() });
    const x = Float32Array.from({ length: 3 * samples }, (_, i) => Math.sin(i * 0.917));
    // Labels make the last rows much harder than the first, so an unweighted mean of the chunk
    // means (256, 256, 256, 256, 76 rows) differs from the true mean by far more than round-off.
    const labels = Int32Array.from({ length: samples }, (_, i) => (i < 1024 ? 0 : 3));
    const { loss, accuracy } = model.evaluate(x, labels);

    const layout = new Layout(3, model.layers, LOSS_CATEGORICAL_CROSSENTROPY);
    const memory: Memory = { layout, params: Float64Array.from(model.params), grads: new Float64Array(layout.paramCount), workspace: new Float64Array(layout.workspaceSize(samples)) };
    const batch = { x: Float64Array.from(x), rows: null, start: 0, count: samples };
    networkForward(memory, outputBlock(memory, samples), batch);
    const expected = networkLoss(memory, { data: labels, rows: null, start: 0 }, samples, false);
    // float32 forward (~1e-7 relative per value), summed in double: 1e-6 relative is ample, and
    // an unweighted chunk mean is off by percents.
    expect(Math.abs(loss - expected)).toBeLessThan(1e-6 * expected);
    const probabilities = outputBlock(memory, samples);
    let correct = 0;
    for (let i = 0; i < samples; i++) {
      const row = Array.from(probabilities.subarray(4 * i, 4 * i + 4));
      if (row.indexOf(Math.max(...row)) === labels[i]) correct++;
    }
    expect(accuracy).toBe(correct / samples);
  });

  test('evaluate over exactly two chunks (512 rows) equals a float64 reference', () => {
    const model = new Sequential({ inputSize: 2, seed: 4, backend, layers: [new Dense(6, { activation: 'sigmoid' }), new Dense(2)] });
    model.compile({ loss: 'mse', optimizer: new SGD() });
    const x = Float32Array.from({ length: 2 * 512 }, (_, i) => Math.cos(i * 0.3));
    const y = Float32Array.from({ length: 2 * 512 }, (_, i) => Math.sin(i));
    const layout = new Layout(2, model.layers);
    const memory: Memory = { layout, params: Float64Array.from(model.params), grads: new Float64Array(layout.paramCount), workspace: new Float64Array(layout.workspaceSize(512)) };
    networkForward(memory, outputBlock(memory, 512), { x: Float64Array.from(x), rows: null, start: 0, count: 512 });
    const expected = networkLoss(memory, { data: Float64Array.from(y), rows: null, start: 0 }, 512, false);
    expect(Math.abs(model.evaluate(x, y).loss - expected)).toBeLessThan(1e-6 * expected);
  });

  test('predict over 1,100 rows (chunks of 256 and a short last one) equals a float64 reference', () => {
    const samples = 1100;
    const model = new Sequential({ inputSize: 3, seed: 5, backend, layers: [new Dense(7, { activation: 'relu' }), new Dense(2, { activation: 'sigmoid' })] });
    const x = Float32Array.from({ length: 3 * samples }, (_, i) => Math.sin(i * 0.77));
    const layout = new Layout(3, model.layers as Dense[]);
    const memory: Memory = { layout, params: Float64Array.from(model.params), grads: new Float64Array(layout.paramCount), workspace: new Float64Array(layout.workspaceSize(samples)) };
    const expected = new Float64Array(2 * samples);
    networkForward(memory, expected, { x: Float64Array.from(x), rows: null, start: 0, count: samples });
    expectClose(model.predict(x), expected, 1e-5, 1e-7, 'predictions');
  });

  test('binary accuracy: a logit of exactly 0 predicts the negative class, a target of exactly 0.5 is negative', () => {
    const model = new Sequential({ inputSize: 1, seed: 5, backend, layers: [new Dense(1, { activation: 'sigmoid' })] });
    model.compile({ loss: 'binaryCrossentropy', optimizer: new SGD() });
    model.params.fill(0); // every logit 0
    expect(model.evaluate(new Float32Array([1, 2]), new Float32Array([0, 0])).accuracy).toBe(1);
    model.params[1] = 1; // every logit 1: predicted positive
    expect(model.evaluate(new Float32Array([1, 2]), new Float32Array([0.5, 1])).accuracy).toBe(0.5);
  });

  test('backward() accumulates into the gradients until zeroGrad()', () => {
    const model = new Sequential({ inputSize: 2, seed: 5, backend, layers: [new Dense(3, { activation: 'tanh' }), new Dense(1)] });
    model.compile({ loss: 'mse', optimizer: new SGD() });
    const x = new Float32Array([0.5, -1, 2, 0.25]);
    const y = new Float32Array([1, -1]);
    model.forward(x);
    model.backward(y);
    const once = model.grads.slice();
    model.forward(x);
    model.backward(y);
    expectClose(model.grads, once.map((g) => 2 * g), 1e-6, 1e-9, 'twice the gradient');
  });

  test.each([Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array])('%o labels train and evaluate exactly like one-hot rows', async (Kind) => {
    const samples = 300;
    const classes = 5;
    const x = Float32Array.from({ length: 2 * samples }, (_, i) => Math.cos(i * 1.37));
    const values = Array.from({ length: samples }, (_, i) => (i * 7) % classes);
    const labels = (Kind as unknown as { from(v: number[]): LabelArray }).from(values);
    const oneHot = Float32Array.from({ length: samples * classes }, (_, i) => (values[Math.floor(i / classes)] === i % classes ? 1 : 0));
    const results = [];
    for (const y of [labels, oneHot]) {
      const model = new Sequential({ inputSize: 2, seed: 3, backend, layers: [new Dense(8, { activation: 'relu' }), new Dense(classes, { activation: 'softmax' })] });
      model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1, momentum: 0.9 }) });
      const history = await model.fit(x, y, { epochs: 3, batchSize: 32 });
      const step = model.trainStep(x.subarray(0, 40), y.subarray(0, y === labels ? 20 : 20 * classes));
      results.push({ params: model.params, history, step, evaluation: model.evaluate(x, y) });
    }
    expectIdentical(results[0]!.params, results[1]!.params, `${Kind.name} vs one-hot parameters`);
    expect(results[0]!.history).toEqual(results[1]!.history);
    expect(results[0]!.step).toBe(results[1]!.step);
    expect(results[0]!.evaluation).toEqual(results[1]!.evaluation);
  });
});

describe('initialisation', () => {
  // He uniform U(±√(6/in)) for relu/leakyRelu layers, Glorot uniform U(±√(6/(in+out))) otherwise.
  const layers = () => [new Dense(300, { activation: 'relu' }), new Dense(200, { activation: 'leakyRelu' }), new Dense(100, { activation: 'tanh' }), new Dense(50)];
  const limits = [Math.sqrt(6 / 400), Math.sqrt(6 / 300), Math.sqrt(6 / (200 + 100)), Math.sqrt(6 / (100 + 50))];

  test('weights stay within each layer\'s bound with the uniform distribution\'s mean and variance; biases are 0', () => {
    const model = new Sequential({ inputSize: 400, seed: 17, layers: layers() });
    model.layers.forEach((layer, l) => {
      const limit = limits[l]!;
      const { weight: w, bias } = layer as Dense;
      const n = w.length;
      let sum = 0;
      let sumSquares = 0;
      let max = 0;
      for (const v of w) {
        sum += v;
        sumSquares += v * v;
        max = Math.max(max, Math.abs(v));
      }
      const mean = sum / n;
      const variance = sumSquares / n - mean * mean;
      // U(−a, a): mean 0 (standard error a/√(3n)), variance a²/3 (standard error ≈ a²·0.30/√n);
      // five standard errors keep a correct initialisation passing and catch a wrong bound
      // (e.g. Glorot where He belongs changes the variance by 25–100%).
      expect(max).toBeLessThanOrEqual(limit);
      expect(max).toBeGreaterThan(0.99 * limit);
      expect(Math.abs(mean)).toBeLessThan(5 * limit / Math.sqrt(3 * n));
      expect(Math.abs(variance - (limit * limit) / 3)).toBeLessThan(5 * 0.3 * limit * limit / Math.sqrt(n));
      expect(bias.every((b) => b === 0)).toBe(true);
    });
  });

  test('the same seed gives the same weights on both backends; another seed other weights', () => {
    const a = new Sequential({ inputSize: 400, seed: 5, layers: layers() });
    const b = new Sequential({ inputSize: 400, seed: 5, backend: 'js', layers: layers() });
    const c = new Sequential({ inputSize: 400, seed: 6, layers: layers() });
    expectIdentical(a.params, b.params, 'same seed');
    expect(a.params.some((v, i) => v !== c.params[i])).toBe(true);
  });
});
