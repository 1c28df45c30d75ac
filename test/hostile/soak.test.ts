// Soak: for about 40 seconds, fits aborted at random moments, workers terminated mid-fit,
// models dropped and garbage-collected, all at once. The process must survive and its resident
// memory stay flat after warm-up: RSS at the end may exceed RSS at the end of warm-up by at most
// 32 MiB (worker isolates and the allocator's retained pages move RSS by about 10 MiB; a leak of
// one round's x alone, 640 KiB, would add over 100 MiB across the ~200 rounds). The numbers are printed.
import { expect, test } from 'vitest';
import { expectSurvived, runProgram } from './program';

const SECONDS = Number(process.env.BLASTRAIN_SOAK_SECONDS ?? 40);
const TOLERANCE_MIB = 32;

test(`soak: ${SECONDS} s of random aborts, worker terminations and forced GC keep the process alive and RSS flat`, async () => {
  const result = await runProgram(`
    const { Worker } = require('node:worker_threads');
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const workerSource = \`
      const { parentPort } = require('node:worker_threads');
      const lib = require(\${JSON.stringify(DIST)});
      const m = new lib.Sequential({ inputSize: 32, layers: [new lib.Dense(256, { activation: 'relu' }), new lib.Dense(10, { activation: 'softmax' })] });
      m.compile({ loss: 'categoricalCrossentropy', optimizer: new lib.Adam() });
      const x = new Float32Array(32 * 20000).fill(0.25);
      m.fit(x, new Uint8Array(20000), { epochs: 1000 });
      parentPort.postMessage('training');
    \`;
    const mib = () => process.memoryUsage().rss / 2 ** 20;
    const rss = [];
    const end = Date.now() + ${SECONDS} * 1000;
    let rounds = 0, aborted = 0, terminated = 0;
    while (Date.now() < end) {
      const model = new lib.Sequential({ inputSize: 32, layers: [new lib.Dense(256, { activation: 'relu' }), new lib.Dense(10, { activation: 'softmax' })] });
      model.compile({ loss: 'categoricalCrossentropy', optimizer: new lib.SGD({ lr: 0.01, momentum: 0.9 }) });
      const x = new Float32Array(32 * 5000).map(() => random());
      const y = new Uint8Array(5000).map(() => Math.floor(random() * 10));
      const controller = new AbortController();
      setTimeout(() => controller.abort(), random() * 80);
      const fit = model.fit(x, y, { epochs: 50, signal: controller.signal }).catch((e) => { if (e.code !== 'ABORT_ERR') throw e; aborted++; });
      const worker = new Worker(workerSource, { eval: true });
      await new Promise((r) => worker.once('message', r));
      await new Promise((r) => setTimeout(r, random() * 40));
      await worker.terminate();
      terminated++;
      await fit;
      gc();
      rounds++;
      rss.push(Math.round(mib() * 10) / 10);
    }
    report({ rounds, aborted, terminated, rss });
  `, (SECONDS + 60) * 1000);
  expectSurvived(result);
  const { rounds, aborted, terminated, rss } = result.reports[0] as { rounds: number; aborted: number; terminated: number; rss: number[] };
  const warm = rss[Math.floor(rss.length / 4)] as number;
  const last = rss.at(-1) as number;
  console.log(`soak: ${rounds} rounds, ${aborted} fits aborted, ${terminated} workers terminated; RSS (MiB) after warm-up ${warm}, at the end ${last}, peak ${Math.max(...rss)} (tolerance +${TOLERANCE_MIB})`);
  console.log(`soak: RSS per round ${rss.join(' ')}`);
  expect(rounds).toBeGreaterThan(20);
  expect(aborted).toBeGreaterThan(0);
  expect(last - warm).toBeLessThanOrEqual(TOLERANCE_MIB);
}, (SECONDS + 90) * 1000);
