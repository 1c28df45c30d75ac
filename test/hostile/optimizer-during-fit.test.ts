// Defect 10: optimizer.stateDict() and the lr setter were unguarded during fit, so two snapshots
// with the same step could hold different state, and which batches a new rate reached depended
// on timing. While a chunk runs both are refused (ModelBusyError); between chunks — in a
// callback — they work, and a snapshot there is exact.
import { expect, test } from 'vitest';
import { Adam, Dense, ModelBusyError, Sequential, type OptimizerStateDict } from '../../lib/index';

const x = Float32Array.from({ length: 8 * 20000 }, (_, i) => Math.sin(i * 0.37));
const y = Uint8Array.from({ length: 20000 }, (_, i) => i % 4);
const make = () => {
  const m = new Sequential({ inputSize: 8, seed: 4, layers: [new Dense(64, { activation: 'relu' }), new Dense(4, { activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: new Adam({ lr: 1e-3 }) });
  return m;
};

test('while a chunk runs, stateDict and the lr setter throw ModelBusyError and change nothing', async () => {
  const m = make();
  const outcomes: string[] = [];
  const timer = setInterval(() => {
    for (const call of [() => m.optimizer!.stateDict(), () => (m.optimizer!.lr = 0.5)]) {
      try {
        call();
        outcomes.push('ran');
      } catch (e) {
        outcomes.push(e instanceof ModelBusyError ? 'busy' : String(e));
      }
    }
  }, 2);
  await m.fit(x, y, { epochs: 3, batchSize: 8 });
  clearInterval(timer);
  expect(outcomes.length).toBeGreaterThan(10);
  expect(new Set(outcomes)).toEqual(new Set(['busy'])); // timers only ever run while a chunk is in flight
  expect(m.optimizer!.lr).toBe(1e-3);
});

test('from a callback, between chunks, lr can be changed and stateDict snapshots are exact', async () => {
  const m = make();
  const snapshots: OptimizerStateDict[] = [];
  await m.fit(x, y, {
    epochs: 3,
    batchSize: 64,
    callbacks: {
      onEpochBegin: (epoch) => void (m.optimizer!.lr = 1e-3 / (epoch + 1)),
      onEpochEnd: async () => {
        snapshots.push(m.optimizer!.stateDict());
        await new Promise((r) => setTimeout(r, 5)); // the event loop turns; no chunk runs
        snapshots.push(m.optimizer!.stateDict());
      },
    },
  });
  expect(m.optimizer!.lr).toBeCloseTo(1e-3 / 3, 12);
  for (let i = 0; i < snapshots.length; i += 2) {
    expect(snapshots[i + 1]!.step).toBe(snapshots[i]!.step);
    expect(snapshots[i + 1]!.state).toEqual(snapshots[i]!.state);
  }
  expect(snapshots.map((s) => s.step)).toEqual([313, 313, 626, 626, 939, 939]);
});
