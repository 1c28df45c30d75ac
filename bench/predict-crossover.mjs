// predict against predictAsync: the median time per call for 1 to 16,384 rows on the small and
// medium networks, to show where the thread-pool round trip stops mattering (README, "Off the
// event loop"). Run: npm run build:ts && node bench/predict-crossover.mjs
import { Dense, Sequential } from '../dist/index.js';
for (const [name, layers] of [['small', [128, 10]], ['medium', [512, 512, 10]]]) {
  const model = new Sequential({ inputSize: 784, layers: layers.map((u, i) => new Dense(u, { activation: i === layers.length - 1 ? 'softmax' : 'relu' })) });
  const x = Float32Array.from({ length: 784 * 16384 }, (_, i) => Math.sin(i));
  const med = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
  const row = [];
  for (const n of [1, 16, 64, 256, 1024, 4096, 16384]) {
    const xs = x.subarray(0, n * 784);
    const reps = Math.max(5, Math.round(20000 / n));
    const sync = [], async_ = [];
    for (let r = 0; r < 3; r++) { model.predict(xs); await model.predictAsync(xs); }
    for (let r = 0; r < reps; r++) {
      let t = performance.now(); model.predict(xs); sync.push(performance.now() - t);
      t = performance.now(); await model.predictAsync(xs); async_.push(performance.now() - t);
    }
    row.push(`${n}: ${(med(sync) * 1000).toFixed(0)} µs / ${(med(async_) * 1000).toFixed(0)} µs`);
  }
  console.log(name, row.join(' | '));
}
