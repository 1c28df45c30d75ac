// Streaming keeps memory bounded by a few batches: a child process whose V8 heap is capped at
// 64 MiB of old space (112 MiB of heap in all) trains from a CSV file larger than that whole heap.
import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { expect, test } from 'vitest';
import { scratchDir } from '../helpers';
import { expectSurvived, runProgram } from '../hostile/program';

test('a CSV larger than the V8 heap limit trains in a process started with --max-old-space-size=64', async () => {
  const dir = scratchDir('heap');
  const file = path.join(dir, 'big.csv');
  const out = createWriteStream(file);
  out.write(['label', ...Array.from({ length: 24 }, (_, i) => `f${i}`)].join(',') + '\n');
  let rows = 0;
  while (out.bytesWritten + out.writableLength < 128 * 2 ** 20) {
    const features = Array.from({ length: 24 }, (_, i) => Math.sin(rows * 0.37 + i).toFixed(5));
    if (!out.write(`${Number(features[0]) + Number(features[1]) > 0 ? 'yes' : 'no'},${features.join(',')}\n`)) await once(out, 'drain');
    rows++;
  }
  out.end();
  await once(out, 'finish');
  const result = await runProgram(`
    const v8 = require('node:v8');
    const model = new lib.Sequential({ inputSize: 24, layers: [new lib.Dense(16, { activation: 'relu' }), new lib.Dense(2, { activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new lib.SGD({ lr: 0.05, momentum: 0.9 }) });
    let seen = 0;
    const data = lib.Dataset.fromCsv(${JSON.stringify(file)}, { target: 'label', labels: ['no', 'yes'] });
    const history = await model.fit(data, { epochs: 1, batchSize: 512, callbacks: { onBatchEnd: (_, logs) => { seen += logs.size; } } });
    report({ seen, accuracy: history.accuracy, heapLimit: v8.getHeapStatistics().heap_size_limit, peakRss: process.resourceUsage().maxRSS * 1024 });
  `, 240_000, ['--max-old-space-size=64']);
  expectSurvived(result);
  const r = result.reports[0] as { seen: number; accuracy: number[]; heapLimit: number; peakRss: number };
  expect(r.seen).toBe(rows);
  expect(statSync(file).size).toBeGreaterThan(r.heapLimit); // the file does not fit in the heap
  expect(r.accuracy[0]).toBeGreaterThan(0.9);
  console.log(`${(statSync(file).size / 2 ** 20).toFixed(0)} MiB CSV, ${rows} rows, heap limit ${(r.heapLimit / 2 ** 20).toFixed(0)} MiB, peak RSS ${(r.peakRss / 2 ** 20).toFixed(0)} MiB`);
}, 300_000);
