// Defect 6: through the raw addon's async entry point, values checked at call time (the spec,
// the shuffled rows, the arrays) could be changed before the worker used them. The plan now
// lives in native memory (validated once, immutable); a job copies its batches' rows and the
// hyper-parameters when it starts, copies and checks each batch's labels, and pins every
// buffer it reads (untransferable, fixed size, referenced until it ends).
import { expect, test } from 'vitest';
import { expectSurvived, runProgram } from './program';

test('rewriting, transferring, replacing and collecting everything a running native job reads', async () => {
  const result = await runProgram(`
    const { loadNative } = require(require('node:path').join(require('node:path').dirname(DIST), 'native.js'));
    const { Layout } = require(require('node:path').join(require('node:path').dirname(DIST), 'layout.js'));
    const addon = loadNative();
    const layout = new Layout(32, [{ units: 256, activation: 'relu', leakyReluAlpha: 0.01 }, { units: 10, activation: 'softmax', leakyReluAlpha: 0.01 }], 1);
    const outcomes = [];
    for (let round = 0; round < 20; round++) {
      const n = 4096;
      const plan = JSON.parse(JSON.stringify(layout.plan));
      let params = new Float32Array(layout.paramCount).fill(0.01);
      let grads = new Float32Array(layout.paramCount);
      const model = new addon.Model(plan, params, grads);
      model.setWorkspace(new Float32Array(layout.workspaceSize(64)));
      let hyper = new Float64Array([0.01, 0, 0, 0.9, 0, 0, 0]);
      let state = new Float32Array(layout.paramCount);
      model.setOptimizer(0, hyper, state);
      let x = new Float32Array(32 * n).fill(0.5);
      let y = new Int32Array(n).map((_, i) => i % 10);
      let rows = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
      let stats = new Float64Array(4 + 3 * 64);
      const control = new Int32Array(1);
      const schedule = new Float64Array(128).fill(0.01);
      const job = model.trainAsync(x, y, rows, 64, 0, 64, 0, stats, schedule, false, control);
      // Everything the job was handed, attacked while it runs.
      plan.layers[0].units = 1 << 20; plan.inputSize = 1 << 20;
      rows.fill(round % 2 ? -5 : 1 << 30);
      y.fill(round % 2 ? -1 : 1 << 30);
      hyper.fill(NaN);
      schedule.fill(NaN);
      for (const a of [x, y, rows, params, grads, state, stats, hyper]) {
        try { structuredClone(a.buffer, { transfer: [a.buffer] }); } catch {}
      }
      model.setWorkspace(new Float32Array(layout.workspaceSize(1)));
      model.setOptimizer(1, new Float64Array(8), new Float32Array(3 * layout.paramCount));
      x = y = rows = params = grads = state = stats = hyper = null;
      gc();
      await job;
      gc();
      outcomes.push('ended');
    }
    report(outcomes.length);
  `);
  expectSurvived(result);
  expect(result.reports[0]).toBe(20);
});
