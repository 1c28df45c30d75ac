// Run by scripts/pack-test-arm64.mjs with the official arm64 Node under qemu-aarch64, in a
// project where the packed tarball is installed: `node arm64-checks.mjs APP_DIR FIXTURES_DIR`.
// It checks that the arm64 prebuild is what loaded, replays every PyTorch reference vector
// (test/fixtures/vectors) through trainStep and fit, and trains a small classifier off the main
// thread. Plain Node (node:assert): vitest's own native parts are not installed for arm64.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [app, fixtures] = process.argv.slice(2);
const lib = createRequire(path.join(app, 'package.json'))('blastrain');

/** |a − e| ≤ atol + rtol·|e| everywhere, naming the worst index otherwise. */
function close(actual, expected, rtol, atol, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    assert.ok(ok, `${what}: index ${i} is ${actual[i]} but expected ${expected[i]}`);
  }
}

assert.equal(process.arch, 'arm64');
const info = lib.blasInfo();
assert.equal(info.arch, 'arm64');
assert.match(info.binary, /prebuilds[\\/]linux-arm64[\\/]blastrain\.node$/);
console.log(`ok - loaded ${path.relative(app, info.binary)} (OpenBLAS ${info.config}, core ${info.corename}, ${info.threads} threads)`);

const OPTIMIZERS = { sgd: lib.SGD, adam: lib.Adam, adamw: lib.AdamW, rmsprop: lib.RMSprop };
for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.json')).sort()) {
  const v = JSON.parse(readFileSync(path.join(fixtures, file), 'utf8'));
  const { type, ...options } = v.optimizer;
  const inputs = v.layers[0].in;
  const build = () => {
    const model = new lib.Sequential({
      inputSize: inputs, layers: v.layers.map((l) => new lib.Dense(l.out, { activation: l.activation, leakyReluAlpha: v.leakyReluAlpha })),
    });
    model.params.set(v.params0);
    model.compile({ loss: v.loss, optimizer: new OPTIMIZERS[type](options) });
    return model;
  };
  const x = Float32Array.from(v.x);
  const y = v.labels ? Int32Array.from(v.labels) : Float32Array.from(v.y);
  const K = v.layers.at(-1).out;
  // Tolerances as test/vectors.test.ts: float32 against PyTorch's float32, a few epochs.
  const stepped = build();
  const losses = [];
  for (let epoch = 0; epoch < v.epochs; epoch++) {
    for (let start = 0; start < v.samples; start += v.batchSize) {
      const end = Math.min(start + v.batchSize, v.samples);
      losses.push(stepped.trainStep(x.subarray(start * inputs, end * inputs), v.labels ? y.subarray(start, end) : y.subarray(start * K, end * K)));
    }
  }
  close(losses, v.losses, 1e-4, 1e-6, `${v.name}: trainStep losses`);
  close(stepped.params, v.paramsFinal, 1e-4, 1e-5, `${v.name}: trainStep params`);
  close(stepped.predict(x), v.predictionsFinal, 1e-4, 1e-5, `${v.name}: predictions`);
  const fitted = build();
  await fitted.fit(x, y, { epochs: v.epochs, batchSize: v.batchSize, shuffle: false });
  close(fitted.params, v.paramsFinal, 1e-4, 1e-5, `${v.name}: fit params`);
  console.log(`ok - ${v.name}: trainStep and fit reproduce PyTorch`);
}

// A short training run on the thread pool: two noisy rings, 2 features → 2 classes.
const n = 1200;
const x = new Float32Array(2 * n);
const labels = new Uint8Array(n);
for (let i = 0; i < n; i++) {
  const ring = i % 2;
  const angle = i * 2.399963;
  const radius = 0.5 + ring + 0.15 * Math.sin(i * 12.9898);
  x[2 * i] = radius * Math.cos(angle);
  x[2 * i + 1] = radius * Math.sin(angle);
  labels[i] = ring;
}
const model = new lib.Sequential({ inputSize: 2, seed: 3, layers: [new lib.Dense(16, { activation: 'relu' }), new lib.Dense(2, { activation: 'softmax' })] });
model.compile({ loss: 'categoricalCrossentropy', optimizer: new lib.Adam({ lr: 0.02 }), metrics: ['accuracy', lib.f1({ average: 'macro' })] });
const history = await model.fit(x, labels, { epochs: 30, batchSize: 32, validationSplit: 0.2 });
const result = await model.evaluateAsync(x, labels);
assert.ok(result.accuracy > 0.97, `the rings are learnt (accuracy ${result.accuracy})`);
console.log(`ok - trained two rings on arm64: accuracy ${result.accuracy.toFixed(4)}, val macro F1 ${history.valMacroF1.at(-1).toFixed(4)}`);
