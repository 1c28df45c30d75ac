// The streaming case of npm run bench: the medium network trained for one epoch from a CSV file
// (Dataset.fromCsv: csv-parse, one batch read ahead while the previous one trains) against fit
// on the same rows already in memory, each in a fresh Node process so that its peak RSS is its
// own. Run by bench/run.mjs; by hand: node bench/streaming.mjs stream|memory|parse FILE (parse:
// the loader alone, no training)
import { createWriteStream, statSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { once } from 'node:events';
import { Dataset, Dense, SGD, Sequential } from '../dist/index.js';
import { LR } from './configs.mjs';

const FEATURES = 784;
const CLASSES = Array.from({ length: 10 }, (_, i) => String(i));

/** Writes a CSV of at least `bytes` (header `label,f0,…`), returns its row count. */
export async function writeCsv(file, bytes) {
  const out = createWriteStream(file);
  out.write(['label', ...Array.from({ length: FEATURES }, (_, i) => `f${i}`)].join(',') + '\n');
  let written = 0;
  let rows = 0;
  let state = 7;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  while (written < bytes) {
    const values = Array.from({ length: FEATURES }, () => (next() * 2 - 1).toFixed(4));
    const line = `${Math.floor(next() * 10)},${values.join(',')}\n`;
    written += line.length;
    rows++;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

function model() {
  const m = new Sequential({ inputSize: FEATURES, seed: 1, layers: [new Dense(512, { activation: 'relu' }), new Dense(512, { activation: 'relu' }), new Dense(10, { activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: LR }) });
  return m;
}

/** The loader alone (csv-parse and the row decoder), no training: rows/s and MB/s. */
async function parseOnly(file) {
  const started = performance.now();
  let rows = 0;
  for await (const batch of Dataset.fromCsv(file, { target: 'label', labels: CLASSES }).batch(128)) rows += batch.y.length;
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ mode: 'parse', rows, seconds, rowsPerSecond: rows / seconds, megabytesPerSecond: statSync(file).size / 1e6 / seconds }));
}

async function child(mode, file) {
  const data = Dataset.fromCsv(file, { target: 'label', labels: CLASSES });
  const m = model();
  let train = data;
  let rows = 0;
  if (mode === 'memory') {
    // Read the rows into arrays first (not timed): the in-memory fit that streaming is measured against.
    const parts = [];
    for await (const batch of data.batch(4096)) parts.push(batch);
    rows = parts.reduce((n, b) => n + b.y.length, 0);
    const x = new Float32Array(rows * FEATURES);
    const y = new Int32Array(rows);
    let at = 0;
    for (const b of parts) {
      x.set(b.x, at * FEATURES);
      y.set(b.y, at);
      at += b.y.length;
    }
    parts.length = 0;
    train = [x, y];
  }
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  const history = mode === 'memory'
    ? await m.fit(train[0], train[1], { batchSize: 128, shuffle: false })
    : await m.fit(train, { batchSize: 128, callbacks: { onBatchEnd: (_, logs) => void (rows += logs.size) } });
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  console.log(JSON.stringify({
    mode, rows, seconds, samplesPerSecond: rows / seconds, loss: history.loss[0],
    maxRssMiB: process.resourceUsage().maxRSS / 1024, eventLoopP99Ms: delay.percentile(99) / 1e6,
  }));
}

if (process.argv[2] === 'stream' || process.argv[2] === 'memory') await child(process.argv[2], process.argv[3]);
if (process.argv[2] === 'parse') await parseOnly(process.argv[3]);
