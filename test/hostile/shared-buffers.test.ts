// Defect 9: SharedArrayBuffer-backed targets failed with a plain `Error: Invalid argument` (no
// code) in fit, trainStep and evaluate. The binding now reads every typed array through
// napi_get_typedarray_info, which takes either kind of buffer.
import { expect, test } from 'vitest';
import { Dense, SGD, Sequential } from '../../lib/index';

function shared<T extends Float32Array | Int32Array>(source: T): T {
  const Kind = source.constructor as new (b: SharedArrayBuffer) => T;
  const copy = new Kind(new SharedArrayBuffer(source.byteLength));
  copy.set(source);
  return copy;
}

test.each(['labels', 'one-hot rows'])('%s in a SharedArrayBuffer train exactly like the same values in an ArrayBuffer', async (kind) => {
  const x = Float32Array.from({ length: 4 * 300 }, (_, i) => Math.sin(i * 1.7));
  const labels = Int32Array.from({ length: 300 }, (_, i) => i % 3);
  const oneHot = Float32Array.from({ length: 900 }, (_, i) => (i % 3 === labels[Math.floor(i / 3)] ? 1 : 0));
  const y = kind === 'labels' ? labels : oneHot;
  const results = [];
  for (const [xs, ys] of [[x, y], [shared(x), shared(y)]] as const) {
    const m = new Sequential({ inputSize: 4, seed: 9, layers: [new Dense(8, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })] });
    m.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1 }) });
    const history = await m.fit(xs, ys, { epochs: 3, batchSize: 16 });
    const step = m.trainStep(xs.subarray(0, 40), ys.subarray(0, kind === 'labels' ? 10 : 30));
    results.push({ history, step, evaluation: m.evaluate(xs, ys), params: Array.from(m.params) });
  }
  expect(results[1]).toEqual(results[0]);
});
