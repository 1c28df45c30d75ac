// Defect 3: x or y on a resizable ArrayBuffer, shrunk with .resize(0) while a chunk ran: the job
// kept the raw pointer (segfault); markAsUntransferable does nothing against resize. A job now
// refuses memory that can shrink (UnsupportedBufferError); a synchronous call, during which
// nothing can resize it, reads it as usual. A SharedArrayBuffer, which can only grow, is fine.
import { expect, test } from 'vitest';
import { expectSurvived, runProgram } from './program';

test('fit refuses resizable x and y with a typed error; resizing after the refusal is harmless', async () => {
  const result = await runProgram(`
    const model = new lib.Sequential({ inputSize: 4, layers: [new lib.Dense(16, { activation: 'relu' }), new lib.Dense(3, { activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new lib.SGD({ lr: 0.05 }) });
    const n = 20000;
    const xBuffer = new ArrayBuffer(16 * n, { maxByteLength: 32 * n });
    const x = new Float32Array(xBuffer);
    x.set(Float32Array.from({ length: 4 * n }, (_, i) => Math.sin(i)));
    const yBuffer = new ArrayBuffer(n, { maxByteLength: 2 * n });
    const y = new Uint8Array(yBuffer);
    y.set(Uint8Array.from({ length: n }, (_, i) => i % 3));
    const fits = [];
    for (const [xs, ys] of [[x, Uint8Array.from(y)], [Float32Array.from(x), y], [new Float32Array(xBuffer, 0, 4 * n), Uint8Array.from(y)]]) {
      const fit = model.fit(xs, ys, { epochs: 3 });
      xBuffer.resize(0);
      fits.push(await fit.then(() => 'finished', describeError));
      xBuffer.resize(16 * n);
    }
    // Synchronous calls read it in place; nothing can resize it while they run.
    const sync = model.predict(new Float32Array(xBuffer, 0, 8)).length;
    const shared = new Float32Array(new SharedArrayBuffer(16 * n, { maxByteLength: 32 * n }));
    shared.set(Float32Array.from({ length: 4 * n }, (_, i) => Math.cos(i)));
    const sharedFit = await model.fit(shared, Uint8Array.from(y), { epochs: 1 }).then((h) => h.loss.length, describeError);
    report({ fits, sync, sharedFit });
  `);
  expectSurvived(result);
  const { fits, sync, sharedFit } = result.reports[0] as { fits: { code: string; message: string }[]; sync: number; sharedFit: number };
  for (const outcome of fits) {
    expect(outcome).toMatchObject({ code: 'ERR_BLASTRAIN_UNSUPPORTED_BUFFER' });
    expect(outcome.message).toMatch(/Expected (x|y) on a fixed-size buffer but it is backed by a resizable ArrayBuffer/);
  }
  expect(sync).toBe(6);
  expect(sharedFit).toBe(1);
});
