// Parameters, gradients and optimizer state live in single Float32Arrays; layers hold views.
import { describe, expect, test } from 'vitest';
import { Dense, SGD, Sequential } from '../lib/index';

describe.each(['native', 'js'] as const)('zero copy (%s backend)', (backend) => {
  function model() {
    const m = new Sequential({ inputSize: 3, backend, layers: [new Dense(4, { activation: 'relu' }), new Dense(2)] });
    m.compile({ loss: 'mse', optimizer: new SGD({ lr: 0.1, momentum: 0.9 }) });
    return m;
  }
  const x = new Float32Array([1, 2, 3, -1, 0.5, 2]);
  const y = new Float32Array([1, 0, 0, 1]);

  test('layer views share the model buffers, in PyTorch state_dict order', () => {
    const m = model();
    const [l0, l1] = m.layers as [Dense, Dense];
    expect(l0.weight.buffer).toBe(m.params.buffer);
    expect(l1.biasGrad.buffer).toBe(m.grads.buffer);
    expect([l0.weight.byteOffset, l0.bias.byteOffset, l1.weight.byteOffset, l1.bias.byteOffset]).toEqual([0, 12, 16, 24].map((i) => i * 4));
    expect(m.params.length).toBe(4 * 3 + 4 + 2 * 4 + 2);
  });

  test('a write through layer.bias changes predict', () => {
    const m = model();
    const before = m.predict(x);
    (m.layers[1] as Dense).bias[0] = ((m.layers[1] as Dense).bias[0] as number) + 5;
    const after = m.predict(x);
    expect(after[0]! - before[0]!).toBeCloseTo(5, 5);
    expect(after[2]! - before[2]!).toBeCloseTo(5, 5);
  });

  test('a write through layer.weight changes predict', () => {
    const m = model();
    const before = m.predict(x);
    // The last layer is linear: adding 1 to W[1][j] adds hidden_j to output 1 of every row.
    const hidden = (m.layers[0] as Dense);
    const h0 = [0, 1, 2, 3].map((j) => Math.max(0, hidden.bias[j]! + [1, 2, 3].reduce((s, v, i) => s + v * hidden.weight[j * 3 + i]!, 0)));
    (m.layers[1] as Dense).weight.subarray(4, 8).forEach((w, j, row) => (row[j] = w + 1));
    const after = m.predict(x);
    expect(after[1]! - before[1]!).toBeCloseTo(h0.reduce((a, b) => a + b, 0), 4);
    expect(after[0]).toBe(before[0]);
  });

  test('trainStep changes the views; buffers stay the same objects', async () => {
    const m = model();
    const weight = (m.layers[0] as Dense).weight;
    const snapshot = weight.slice();
    const [params, grads] = [m.params.buffer, m.grads.buffer];
    m.trainStep(x, y);
    expect(weight).not.toEqual(snapshot);
    expect((m.layers[0] as Dense).weightGrad.some((g) => g !== 0)).toBe(true);
    await m.fit(x, y, { epochs: 3, batchSize: 1 });
    expect(m.params.buffer).toBe(params);
    expect(m.grads.buffer).toBe(grads);
    expect((m.layers[0] as Dense).weight).toBe(weight);
  });

  test('optimizer state is one Float32Array with named views', () => {
    const m = model();
    m.trainStep(x, y);
    const opt = m.optimizer!;
    const buffer = opt.stateBuffer('momentumBuffer');
    expect(buffer.buffer).toBe(opt.state.buffer);
    expect(buffer.length).toBe(m.params.length);
    // After one step PyTorch's momentum buffer equals the gradient.
    expect(buffer).toEqual(m.grads);
  });
});
