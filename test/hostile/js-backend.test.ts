// Defect 7: the js backend's fit never yielded to the event loop (0 timer ticks in a 1 s fit,
// an AbortSignal ignored). Its trainAsync now yields (setImmediate) before every chunk of about
// 10 ms.
import { expect, test } from 'vitest';
import { AbortError, Dense, SGD, Sequential } from '../../lib/index';

function model() {
  const m = new Sequential({ inputSize: 32, backend: 'js', layers: [new Dense(64, { activation: 'relu' }), new Dense(4, { activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.01 }) });
  return m;
}
const x = Float32Array.from({ length: 32 * 4000 }, (_, i) => Math.sin(i));
const y = Uint8Array.from({ length: 4000 }, (_, i) => i % 4);

test('timers keep firing while the js backend trains for over half a second', async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const started = performance.now();
  let epochs = 0;
  await model().fit(x, y, { epochs: 100, callbacks: { onEpochEnd: () => void epochs++ } , batchSize: 16, signal: AbortSignal.timeout(600) }).catch(() => undefined);
  clearInterval(timer);
  const elapsed = performance.now() - started;
  // The fit ran for ~600 ms. A blocked loop lets the 5 ms timer fire at most once (after the
  // fit); a loop that turns between ~10 ms chunks lets it fire dozens of times, even on a busy
  // machine. Ten is far from both, so this does not measure speed.
  expect(elapsed).toBeGreaterThan(500);
  expect(ticks).toBeGreaterThan(10);
});

test('an AbortSignal stops a js backend fit', async () => {
  const m = model();
  const controller = new AbortController();
  // The timer starts once training has (however slowly, e.g. instrumented) begun: only a loop
  // that yields lets it fire.
  let timer: NodeJS.Timeout | undefined;
  const onBatchEnd = () => void (timer ??= setTimeout(() => controller.abort(), 50));
  const error = await m.fit(x, y, { epochs: 1000, batchSize: 16, signal: controller.signal, callbacks: { onBatchEnd } }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AbortError);
  expect(m.optimizer!.stepCount).toBeGreaterThan(0);
  expect(m.optimizer!.stepCount).toBeLessThan(1000 * 250);
});
