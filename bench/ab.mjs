// Two builds of blastrain side by side: fit samples/s of the same network in each, in turns
// (one worker thread per checkout, the order rotating every round), so the machine's drift hits
// both alike; prints each build's median and the median of the per-round ratios B ÷ A.
//   node bench/ab.mjs CHECKOUT_A CHECKOUT_B [--layers=4,16,3] [--batch=16] [--rounds=30]
// Each checkout needs its dist/ and native build. Both workers share the process's OpenBLAS,
// whose thread count is process-wide: compare configs whose products are not threaded (tiny),
// or fix the count the same in both.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import path from 'node:path';

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

if (isMainThread) {
  const options = Object.fromEntries(process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')));
  const [a, b] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  if (b === undefined) {
    console.error('Usage: node bench/ab.mjs CHECKOUT_A CHECKOUT_B [--layers=4,16,3] [--batch=16] [--rounds=30]');
    process.exit(2);
  }
  const setup = { layers: (options.layers ?? '4,16,3').split(',').map(Number), batch: Number(options.batch ?? 16) };
  const workers = [a, b].map((dir) => new Worker(new URL(import.meta.url), { workerData: { dir: path.resolve(dir), ...setup } }));
  const ask = (worker) => new Promise((resolve) => { worker.once('message', resolve); worker.postMessage('go'); });
  for (const worker of workers) await ask(worker); // warm-up round
  const rates = [[], []];
  for (let round = 0; round < Number(options.rounds ?? 30); round++) {
    for (let k = 0; k < 2; k++) {
      const i = (round + k) % 2;
      rates[i].push(await ask(workers[i]));
    }
  }
  [a, b].forEach((dir, i) => console.log(`${dir}: median ${Math.round(median(rates[i])).toLocaleString('en-US')} samples/s`));
  console.log(`B ÷ A: median of ${rates[0].length} rounds ${median(rates[0].map((r, i) => rates[1][i] / r)).toFixed(3)}`);
  for (const worker of workers) await worker.terminate();
} else {
  const { dir, layers, batch } = workerData;
  const { Dense, SGD, Sequential } = createRequire(path.join(dir, 'package.json'))(path.join(dir, 'dist', 'index.js'));
  const hidden = layers.slice(1).map((units, i, all) => new Dense(units, { activation: i === all.length - 1 ? 'softmax' : 'relu' }));
  const model = new Sequential({ inputSize: layers[0], seed: 1, layers: hidden });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.01 }) });
  const rows = batch * Math.max(16, Math.round(200_000 / (batch * layers[0])));
  const x = Float32Array.from({ length: rows * layers[0] }, (_, i) => Math.sin(i));
  const y = Int32Array.from({ length: rows }, (_, i) => i % layers.at(-1));
  const epochs = Math.max(1, Math.round(300_000 / rows));
  parentPort.on('message', async () => {
    const started = performance.now();
    await model.fit(x, y, { batchSize: batch, shuffle: false, epochs });
    parentPort.postMessage((rows * epochs) / ((performance.now() - started) / 1000));
  });
}
