// Defect 4: the protection against transfers read x.buffer through a getter the program
// controls, so a replaced `buffer` let the real memory be transferred mid-fit (use after
// free). Every fact about an array now comes from the engine (lib/typed-arrays.ts), and the
// job itself pins the memory it reads (native/binding_args.cpp pin_memory).
import { expect, test } from 'vitest';
import { expectSurvived, runProgram } from './program';

test('an overridden buffer, length or byteOffset cannot expose the memory fit reads to a transfer', async () => {
  const result = await runProgram(`
    const realBuffer = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'buffer').get;
    class Evil extends Float32Array {
      get buffer() { return new ArrayBuffer(8); }
      get length() { return 4; }
      get byteOffset() { return 12; }
    }
    const n = 30000;
    const outcomes = [];
    for (const make of [
      (a) => Object.defineProperty(a, 'buffer', { get: () => new ArrayBuffer(8) }),
      (a) => new Evil(a.buffer),
    ]) {
      const model = new lib.Sequential({ inputSize: 16, seed: 3, layers: [new lib.Dense(128, { activation: 'relu' }), new lib.Dense(4, { activation: 'softmax' })] });
      model.compile({ loss: 'categoricalCrossentropy', optimizer: new lib.SGD({ lr: 0.01 }) });
      const x = make(new Float32Array(16 * n).map((_, i) => Math.sin(i)));
      const y = make(new Float32Array(4 * n).map((_, i) => (i % 4 === 0 ? 1 : 0)));
      const transfers = [];
      const timer = setInterval(() => {
        for (const a of [x, y]) {
          const memory = realBuffer.call(a);
          try { structuredClone(memory, { transfer: [memory] }); transfers.push('copied'); } catch (e) { transfers.push(e.name); }
          if (typeof gc === 'function') gc();
        }
      }, 5);
      const history = await model.fit(x, y, { epochs: 2, batchSize: 32 });
      clearInterval(timer);
      outcomes.push({ loss: history.loss, readable: realBuffer.call(x).byteLength, transfers: [...new Set(transfers)], finite: model.params.every(Number.isFinite) });
    }
    report(outcomes);
  `);
  expectSurvived(result);
  for (const outcome of result.reports[0] as { loss: number[]; readable: number; transfers: string[]; finite: boolean }[]) {
    expect(outcome.loss).toHaveLength(2);
    expect(outcome.loss.every(Number.isFinite)).toBe(true);
    expect(outcome.readable).toBe(16 * 30000 * 4); // the real memory was never taken away
    expect(outcome.transfers.length).toBeGreaterThan(0); // the attack ran during fit
    expect(outcome.transfers.every((t) => t === 'copied' || t === 'DataCloneError')).toBe(true);
    expect(outcome.finite).toBe(true);
  }
});
