// One system's inference numbers for one model, in a process of its own (so no two runtimes'
// thread pools share the machine): one-sample latency (p50, p99 over 10,000 calls after a
// warm-up) and samples/s at batch 1, 32 and 1,024 (median of 5 runs of ~0.3 s). Prints JSON.
//   node bench/inference-worker.mjs SYSTEM DIR   (DIR holds model.safetensors and model.onnx)
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const [system, dir, quickFlag] = process.argv.slice(2);
const quick = quickFlag === 'quick';
const require = createRequire(import.meta.url);
const blastrain = require('../dist/index.js');

const model = await blastrain.Sequential.load(path.join(dir, 'model.safetensors'));
const inputs = model.inputSize;

/** An async predict(x, rows) → Float32Array for the system, on the same weights. */
async function predictor() {
  if (system === 'blastrain') return async (x) => model.predict(x);
  if (system === 'onnxruntime') {
    const ort = require('onnxruntime-node');
    const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'), { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
    return async (x, rows) => (await session.run({ input: new ort.Tensor('float32', x, [rows, inputs]) })).output.data;
  }
  if (system.startsWith('tfjs-')) {
    const log = console.log;
    console.log = () => {}; // tfjs greets Node users on stdout
    const tf = require('@tensorflow/tfjs');
    tf.enableProdMode();
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep));
    await tf.setBackend(system.slice(5));
    await tf.ready();
    console.log = log;
    // The same weights, stored (in × out) as tf.layers.dense keeps them.
    let fanIn = inputs;
    const layers = model.layers.map((layer) => {
      const W = tf.tensor2d(layer.weight, [layer.units, fanIn]).transpose();
      const b = tf.tensor1d(layer.bias);
      fanIn = layer.units;
      return { W, b, activation: layer.activation };
    });
    return async (x, rows) => {
      const out = tf.tidy(() => {
        let h = tf.tensor2d(x, [rows, inputs]);
        for (const l of layers) {
          h = tf.add(tf.matMul(h, l.W), l.b);
          h = l.activation === 'relu' ? tf.relu(h) : l.activation === 'softmax' ? tf.softmax(h) : h;
        }
        return h;
      });
      const data = out.dataSync();
      out.dispose();
      return data;
    };
  }
  throw new Error(`unknown system ${system}`);
}

const predict = await predictor();
const random = (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// The outputs must be the model's: a system that computed something else would not count.
const check = random(4 * inputs);
const expected = model.predict(check);
const got = await predict(check, 4);
const worst = Math.max(...Array.from(expected, (v, i) => Math.abs(v - got[i])));
if (!(worst < 1e-4)) throw new Error(`${system} disagrees with blastrain's predictions by ${worst}`);

const one = random(inputs);
const calls = quick ? 2_000 : 10_000;
for (let i = 0; i < calls / 5; i++) await predict(one, 1);
const latencies = new Float64Array(calls);
for (let i = 0; i < calls; i++) {
  const started = performance.now();
  await predict(one, 1);
  latencies[i] = performance.now() - started;
}
latencies.sort();
const result = { system, latency: { p50: latencies[Math.floor(calls * 0.5)] * 1000, p99: latencies[Math.floor(calls * 0.99)] * 1000 }, throughput: {} };

for (const batch of [1, 32, 1024]) {
  const x = random(batch * inputs);
  let calls = 1;
  for (;;) { // calls per run: about RUN seconds' worth
    const started = performance.now();
    for (let i = 0; i < calls; i++) await predict(x, batch);
    const seconds = (performance.now() - started) / 1000;
    if (seconds > 0.05) {
      calls = Math.max(1, Math.round((calls * (quick ? 0.1 : 0.3)) / seconds));
      break;
    }
    calls *= 4;
  }
  const rates = [];
  for (let r = 0; r < (quick ? 3 : 5); r++) {
    const started = performance.now();
    for (let i = 0; i < calls; i++) await predict(x, batch);
    rates.push((calls * batch) / ((performance.now() - started) / 1000));
  }
  result.throughput[batch] = median(rates);
}
if (system === 'blastrain') {
  // What OpenBLAS alone needs for the forward GEMMs of a 1,024-row batch (Y = X·Wᵀ per layer):
  // the bound batch throughput cannot pass, to tell kernel speed from blastrain's own overhead.
  const addon = require('../dist/native.js').loadNative();
  let seconds = 0;
  let fanIn = inputs;
  for (const layer of model.layers) {
    const [M, N, K] = [1024, layer.units, fanIn];
    const [a, b, c] = [new Float32Array(M * K).fill(0.5), new Float32Array(N * K).fill(0.25), new Float32Array(M * N)];
    addon.gemmRepeat(M, N, K, false, true, 3, a, b, c);
    const runs = [];
    for (let r = 0; r < 5; r++) {
      const started = performance.now();
      addon.gemmRepeat(M, N, K, false, true, 10, a, b, c);
      runs.push((performance.now() - started) / 1000 / 10);
    }
    seconds += median(runs);
    fanIn = layer.units;
  }
  result.gemmBound1024 = 1024 / seconds;
}
console.log(JSON.stringify(result));
