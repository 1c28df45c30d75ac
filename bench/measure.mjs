// How the benchmark times things, shared by its parts (bench/run.mjs, bench/scaling.mjs):
// samples/s of a system's trainer as the median of several runs after a warm-up, and the
// GEMM-only bound of a config (its step's sgemm calls alone, each at its best thread count).
import { setNumThreads } from '../dist/index.js';
import { loadNative } from '../dist/native.js';
import { stepFlops, stepGemms } from './configs.mjs';

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
export const now = () => performance.now() / 1000;

export async function timeIt(fn) {
  const started = now();
  await fn();
  return now() - started;
}

/** Warm-up, then the median samples/s of `runs` runs of about `runSeconds` each. */
export async function measure(system, config, data, { runs: RUNS, runSeconds: RUN_SECONDS, skipSeconds: SKIP_SECONDS }) {
  const trainer = await system.create(config, data);
  const warmUp = await timeIt(() => trainer.train(1));
  if (warmUp > SKIP_SECONDS) {
    // Too slow for RUNS runs: report the one (cold) step it took, marked as an estimate.
    return { samplesPerSecond: config.batch / warmUp, runs: [Math.round(config.batch / warmUp)], stepsPerRun: 1, estimate: `one step took ${warmUp.toFixed(1)} s, so only that single cold step was timed` };
  }
  const one = await timeIt(() => trainer.train(1));
  const probe = Math.min(config.batches, Math.max(1, Math.ceil(0.05 / one)));
  const perStep = (await timeIt(() => trainer.train(probe))) / probe;
  const steps = Math.max(1, Math.round(RUN_SECONDS / perStep));
  const rates = [];
  for (let r = 0; r < RUNS; r++) {
    const seconds = await timeIt(async () => {
      for (let left = steps; left > 0; left -= config.batches) await trainer.train(Math.min(left, config.batches));
    });
    rates.push((steps * config.batch) / seconds);
  }
  return { samplesPerSecond: median(rates), runs: rates.map(Math.round), stepsPerRun: steps };
}

/** sgemm seconds for one step's GEMMs, each at its best of 1 and all threads. */
export function gemmBound(config, { runs: RUNS, cores }) {
  const addon = loadNative();
  let seconds = 0;
  for (const g of stepGemms(config)) {
    const a = new Float32Array(g.M * g.K).fill(0.5);
    const b = new Float32Array(g.K * g.N).fill(0.25);
    const c = new Float32Array(g.M * g.N);
    let best = Infinity;
    for (const threads of [1, cores]) {
      setNumThreads(threads);
      addon.gemmRepeat(g.M, g.N, g.K, g.transA, g.transB, 2, a, b, c);
      const iterations = Math.max(1, Math.round(0.02 / Math.max(1e-7, timeGemm(addon, g, a, b, c, 1))));
      const runs = Array.from({ length: RUNS }, () => timeGemm(addon, g, a, b, c, iterations) / iterations);
      best = Math.min(best, median(runs));
    }
    seconds += best;
  }
  setNumThreads('auto');
  return { stepSeconds: seconds, samplesPerSecond: config.batch / seconds, gflops: stepFlops(config) / seconds / 1e9 };
}

function timeGemm(addon, g, a, b, c, iterations) {
  const started = now();
  addon.gemmRepeat(g.M, g.N, g.K, g.transA, g.transB, iterations, a, b, c);
  return now() - started;
}

