// Defect 1: worker.terminate() or process.exit() inside a worker while its fit runs used to
// abort the whole process (a C++ exception escaped the job's completion into std::terminate).
// The job's completion now only makes raw N-API calls whose failure is ignored, and an
// environment cleanup hook stops a running job at its next batch.
import { expect, test } from 'vitest';
import { expectSurvived, runProgram } from './program';

test('terminating workers and exiting them mid-fit, 24 times, leaves the process alive', async () => {
  const result = await runProgram(`
    const { Worker } = require('node:worker_threads');
    const worker = (mode) => \`
      const { parentPort } = require('node:worker_threads');
      const lib = require(\${JSON.stringify(DIST)});
      const m = new lib.Sequential({ inputSize: 64, layers: [new lib.Dense(256, { activation: 'relu' }), new lib.Dense(10, { activation: 'softmax' })] });
      m.compile({ loss: 'categoricalCrossentropy', optimizer: new lib.SGD({ lr: 0.01 }) });
      const x = new Float32Array(64 * 20000).fill(0.5);
      const y = new Uint8Array(20000);
      m.fit(x, y, { epochs: 100, batchSize: 32, callbacks: { onBatchEnd: () => { if ('\${mode}' === 'exit-in-callback') process.exit(4); } } });
      setTimeout(() => { parentPort.postMessage('training'); if ('\${mode}' === 'exit') process.exit(3); }, 20);
    \`;
    const modes = ['terminate', 'exit', 'exit-in-callback'];
    const codes = [];
    for (let i = 0; i < 24; i++) {
      const mode = modes[i % 3];
      const w = new Worker(worker(mode), { eval: true });
      const exited = new Promise((r) => w.once('exit', r));
      await Promise.race([new Promise((r) => w.once('message', r)), exited]);
      if (mode === 'terminate') await w.terminate();
      codes.push(await exited);
    }
    report(codes);
  `);
  expectSurvived(result);
  const codes = result.reports[0] as number[];
  expect(codes).toHaveLength(24);
  expect(codes.filter((_, i) => i % 3 === 1).every((c) => c === 3)).toBe(true); // process.exit(3) in a timer
  expect(codes.filter((_, i) => i % 3 === 2).every((c) => c === 4)).toBe(true); // process.exit(4) in a callback
});
