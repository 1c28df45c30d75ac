// npm run bench: training throughput of blastrain and its JS peers on four MLPs, measured side
// by side in this one process, plus this machine's sgemm bound, blastrain's efficiency against
// it, per-call overhead, memory growth and event-loop delay during fit.
//   npm run bench                       everything
//   npm run bench -- --quick            tiny and small, 3 runs (a smoke test)
//   npm run bench -- --configs=medium   some configs; --systems=tfjs-wasm,naive-js likewise
//   npm run bench -- --scaling          only how training cost grows with batch size and width
//   npm run bench -- --many             only many models training at once (bench/many-models.mjs)
//   npm run bench -- --inference        only serving speed: predict against onnxruntime-node and
//                                       TensorFlow.js on the same weights (bench/inference.mjs)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
if (!existsSync(path.join(here, 'node_modules'))) {
  console.log('Installing the benchmark peers (bench/package.json)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
}

const { CONFIGS, dense, makeData, stepFlops, stepGemms } = await import('./configs.mjs');
const { blastrain, benchModel } = await import('./systems/blastrain.mjs');
const { naive } = await import('./systems/naive.mjs');
const { tfjs } = await import('./systems/tfjs.mjs');
const { brain } = await import('./systems/brain.mjs');
const { speedupChart } = await import('./chart.mjs');
const { inference, inferenceReport } = await import('./inference.mjs');
const { scaling, scalingReport, scalingChart } = await import('./scaling.mjs');
const { manyModels, manyModelsReport } = await import('./many-models.mjs');
const { blasInfo, setNumThreads } = await import('../dist/index.js');
const { loadNative } = await import('../dist/native.js');

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const quick = 'quick' in args;
const RUNS = quick ? 3 : 5;
const RUN_SECONDS = quick ? 0.1 : 0.3;
const SKIP_SECONDS = 3; // a system whose single step takes longer is skipped with a note
const cores = cpus().length;
const configs = CONFIGS.filter((c) => (args.configs ? args.configs.split(',') : quick ? ['tiny', 'small'] : [c.name]).includes(c.name));
const allSystems = [
  blastrain({ threads: 'auto' }),
  blastrain({ threads: 1 }),
  blastrain({ threads: cores }),
  blastrain({ threads: cores, scheduled: true }),
  blastrain({ backend: 'js' }),
  naive,
  tfjs('cpu'),
  tfjs('wasm'),
  brain,
];
const systems = allSystems.filter((s) => (args.systems ? args.systems.split(',').includes(s.key) : true));
const { median, now, timeIt, measure: measureWith, gemmBound: gemmBoundWith } = await import('./measure.mjs');
const timing = { runs: RUNS, runSeconds: RUN_SECONDS, skipSeconds: SKIP_SECONDS, cores };
const measure = (system, config, data) => measureWith(system, config, data, timing);
const gemmBound = (config) => gemmBoundWith(config, timing);

/** Microseconds per trainStep call on the tiny config, against per-batch time inside fit. */
async function callOverhead(config, data) {
  const model = benchModel(config);
  const B = config.batch;
  const xb = data.x.subarray(0, B * 4);
  const yb = data.labels.subarray(0, B);
  const calls = quick ? 20_000 : 100_000;
  for (let i = 0; i < 1000; i++) model.trainStep(xb, yb);
  const stepSeconds = median(Array.from({ length: RUNS }, () => {
    const started = now();
    for (let i = 0; i < calls; i++) model.trainStep(xb, yb);
    return (now() - started) / calls;
  }));
  const fitSeconds = [];
  for (let r = 0; r < RUNS; r++) {
    fitSeconds.push((await timeIt(() => model.fit(data.x, data.labels, { batchSize: B, shuffle: false }))) / config.batches);
  }
  // Whole fit calls on one batch, back to back: their checks plus one round trip through the
  // thread pool, an upper bound on what each ~50 ms chunk of a long fit pays to come back to JS.
  const oneBatchFitSeconds = [];
  for (let r = 0; r < RUNS; r++) {
    const calls = quick ? 100 : 500;
    oneBatchFitSeconds.push((await timeIt(async () => {
      for (let i = 0; i < calls; i++) await model.fit(xb, yb, { batchSize: B });
    })) / calls);
  }
  return {
    trainStepMicroseconds: stepSeconds * 1e6,
    fitBatchMicroseconds: median(fitSeconds) * 1e6,
    oneBatchFitMicroseconds: median(oneBatchFitSeconds) * 1e6,
  };
}

/**
 * What a per-batch schedule and gradient clipping cost inside fit: the plain and the scheduled
 * trainer (same model, all cores) alternate in rounds of about RUN_SECONDS each after a few
 * seconds of warm-up, so drifts of this shared machine hit both alike; the ratio of each
 * adjacent pair is a sample, and the median of those is reported.
 */
async function scheduleCost(config, data, threads) {
  const trainers = await Promise.all([blastrain({ threads }), blastrain({ threads, scheduled: true })].map((s) => s.create(config, data)));
  const { steps, rates } = await interleaved(config, trainers, quick ? 5 : 41);
  const ratios = rates.map(([plain, scheduled]) => scheduled / plain);
  return { config: config.name, threads, stepsPerRound: steps, ratios: ratios.map((r) => Math.round(r * 1000) / 1000), medianRatio: median(ratios) };
}

/**
 * The default thread choice (per GEMM shape) against the best fixed count: the three trainers
 * (automatic, 1 thread, all cores) take turns as scheduleCost's do, and each round's automatic
 * samples/s over the better of that round's two fixed ones is a sample.
 */
async function threadChoice(config, data) {
  const trainers = await Promise.all([blastrain({ threads: 'auto' }), blastrain({ threads: 1 }), blastrain({ threads: cores })].map((s) => s.create(config, data)));
  const { steps, rates } = await interleaved(config, trainers, quick ? 3 : 21);
  const ratios = rates.map(([auto, one, all]) => auto / Math.max(one, all));
  const oneWins = rates.filter(([, one, all]) => one > all).length;
  setNumThreads('auto');
  return { config: config.name, stepsPerRound: steps, ratios: ratios.map((r) => Math.round(r * 1000) / 1000), medianRatio: median(ratios), roundsOneThreadFaster: oneWins, rounds: rates.length };
}

/**
 * Samples/s of each trainer in `rounds` rounds of about RUN_SECONDS each, after a few seconds of
 * warm-up, the trainers taking turns (the order rotating every round, so none always runs right
 * after another): drifts of this shared machine hit all of them alike. rates[r][i] is trainer i's.
 */
async function interleaved(config, trainers, rounds) {
  const stepSeconds = await timeIt(() => trainers[0].train(1));
  const steps = Math.max(1, Math.round(RUN_SECONDS / Math.max(stepSeconds, 1e-6)));
  const round = async (trainer) => {
    const seconds = await timeIt(async () => {
      for (let left = steps; left > 0; left -= config.batches) await trainer.train(Math.min(left, config.batches));
    });
    return (steps * config.batch) / seconds;
  };
  for (const started = now(); now() - started < (quick ? 0.5 : 3); ) for (const t of trainers) await round(t);
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    const rate = new Array(trainers.length);
    for (let k = 0; k < trainers.length; k++) {
      const i = (r + k) % trainers.length;
      rate[i] = await round(trainers[i]);
    }
    rates.push(rate);
  }
  return { steps, rates };
}

/** RSS after each round of 2,000 steps of the small config, through fit and then trainStep: flat means no leak. */
async function memoryGrowth(config, data) {
  const model = benchModel(config);
  const stepsPerRound = 2000;
  const rounds = quick ? 2 : 5;
  const rss = () => {
    globalThis.gc?.();
    return Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10;
  };
  await model.fit(data.x, data.labels, { batchSize: config.batch, shuffle: false, epochs: 2 });
  const start = rss();
  const fitRssMiB = [];
  for (let r = 0; r < rounds; r++) {
    await model.fit(data.x, data.labels, { batchSize: config.batch, shuffle: true, epochs: Math.round(stepsPerRound / config.batches) });
    fitRssMiB.push(rss());
  }
  const B = config.batch;
  const trainStepRssMiB = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < stepsPerRound; i++) {
      const b = i % config.batches;
      model.trainStep(data.x.subarray(b * B * 784, (b + 1) * B * 784), data.labels.subarray(b * B, (b + 1) * B));
    }
    trainStepRssMiB.push(rss());
  }
  return { stepsPerRound, startRssMiB: start, fitRssMiB, trainStepRssMiB };
}

/**
 * The medium network trained from CSV files generated here (two sizes, deleted after), each run
 * in a fresh process (bench/streaming.mjs) so its peak RSS is its own, against fit on the
 * smaller file's rows in memory.
 */
async function streamingCase() {
  const { writeCsv } = await import('./streaming.mjs');
  const sizes = quick ? [8, 32] : [256, 1024];
  const dir = mkdtempSync(path.join(tmpdir(), 'blastrain-bench-csv-'));
  const child = (mode, file) => JSON.parse(execFileSync(process.execPath, [path.join(here, 'streaming.mjs'), mode, file], { encoding: 'utf8' }));
  try {
    const runs = [];
    for (const mib of sizes) {
      const file = path.join(dir, `medium-${mib}.csv`);
      const rows = await writeCsv(file, mib * 2 ** 20);
      runs.push({ fileMiB: Math.round(statSync(file).size / 2 ** 20), rows, ...child('stream', file), ...(runs.length === 0 ? { memory: child('memory', file) } : {}) });
      rmSync(file);
    }
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Event-loop delay on the main thread while the medium config trains with fit. */
async function eventLoopDelay() {
  const config = CONFIGS.find((c) => c.name === 'medium');
  const data = makeData({ ...config, batches: 32 });
  const model = benchModel(config);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const started = now();
  histogram.enable();
  await model.fit(data.x, data.labels, { batchSize: 128, epochs: 1000, callbacks: { onEpochEnd: () => { if (now() - started > (quick ? 0.5 : 2)) model.stopTraining = true; } } });
  histogram.disable();
  return { seconds: now() - started, p50Ms: histogram.percentile(50) / 1e6, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 };
}

const out = path.join(here, 'results');
mkdirSync(out, { recursive: true });
// `--inference`, `--scaling`, `--many`: only that part, its report and its files.
const PARTS = {
  inference: async () => {
    const served = await inference({ quick });
    return { report: inferenceReport(served), files: { 'inference.json': JSON.stringify(served, null, 2) } };
  },
  scaling: async () => {
    const sweeps = await scaling({ quick, cores });
    return { report: scalingReport(sweeps), files: { 'scaling.json': JSON.stringify(sweeps, null, 2), 'scaling.svg': scalingChart(sweeps) } };
  },
  many: async () => {
    const many = await manyModels({ quick });
    return { report: manyModelsReport(many), files: { 'many-models.json': JSON.stringify(many, null, 2) } };
  },
};
const only = Object.keys(PARTS).find((part) => part in args);
if (only !== undefined) {
  const { report, files } = await PARTS[only]();
  console.log(report);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(out, name), text);
  console.log(`\nwrote ${Object.keys(files).map((name) => path.relative(process.cwd(), path.join(out, name))).join(' and ')}`);
  process.exit(0);
}

const info = blasInfo();
const machine = { cpu: cpus()[0]?.model, cores, node: process.version, blas: info.config, corename: info.corename, date: new Date().toISOString() };
console.log(`blastrain benchmark — ${machine.cpu}, ${cores} cores, Node ${machine.node}, ${machine.blas}`);
console.log(`median of ${RUNS} runs of ~${RUN_SECONDS}s after a warm-up; samples/s = training samples per second (forward + backward + SGD update)\n`);

const results = [];
const bounds = {};
for (const config of configs) {
  const data = makeData(config);
  bounds[config.name] = gemmBound(config);
  const flops = stepFlops(config);
  console.log(`${config.name} ${config.layers.join('-')} batch ${config.batch}: GEMM-only bound ${Math.round(bounds[config.name].samplesPerSecond).toLocaleString('en-US')} samples/s (sgemm ${bounds[config.name].gflops.toFixed(1)} GFLOP/s)`);
  for (const system of systems) {
    process.stdout.write(`  ${system.name.padEnd(42)} `);
    let result;
    try {
      result = await measure(system, config, data);
    } catch (error) {
      result = { skipped: `failed: ${error.message}` };
    }
    if (result.samplesPerSecond) {
      result.gflops = (result.samplesPerSecond / config.batch) * flops / 1e9;
      result.efficiency = result.samplesPerSecond / bounds[config.name].samplesPerSecond;
    }
    results.push({ config: config.name, system: system.key, name: system.name, ...result, ...(system.note ? { note: system.note } : {}) });
    console.log(result.samplesPerSecond ? `${result.estimate ? '~' : ' '}${Math.round(result.samplesPerSecond).toLocaleString('en-US').padStart(11)} samples/s  ${result.gflops.toFixed(2).padStart(7)} GFLOP/s  ${(100 * result.efficiency).toFixed(0).padStart(3)}% of bound` : `skipped: ${result.skipped}`);
  }
}

const costs = [];
for (const config of configs.filter((c) => c.name === 'small' || c.name === 'medium')) {
  for (const threads of [1, cores]) costs.push(await scheduleCost(config, makeData(config), threads));
}
const choices = [];
for (const config of configs) choices.push(await threadChoice(config, makeData(config)));

const tiny = CONFIGS[0];
const overhead = await callOverhead(tiny, makeData(tiny));
const memory = await memoryGrowth(CONFIGS[1], makeData(CONFIGS[1]));
const delay = await eventLoopDelay();
const streaming = configs.some((c) => c.name === 'medium') || 'streaming' in args ? await streamingCase() : [];
const sweeps = await scaling({ quick, cores });
const many = await manyModels({ quick });
const served = await inference({ quick, configs: configs.map((c) => c.name).filter((n) => n === 'small' || n === 'medium') });

console.log('\nSpeed-up over the naive JS baseline (same run):');
const header = ['system', ...configs.map((c) => c.name)];
const rows = systems.map((s) => [s.name, ...configs.map((c) => {
  const r = results.find((x) => x.config === c.name && x.system === s.key);
  const base = results.find((x) => x.config === c.name && x.system === 'naive-js');
  if (!r?.samplesPerSecond) return 'skipped';
  return base?.samplesPerSecond ? `${r.estimate || base.estimate ? '~' : ''}${(r.samplesPerSecond / base.samplesPerSecond).toFixed(1)}×` : '—';
})]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const row of [header, ...rows]) console.log('  ' + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
console.log(`\nFLOPs per step = Σ 2·M·N·K over the step's GEMMs: forward, weight gradient, and input gradient of every layer but the first (${dense(tiny).length} layers for tiny); element-wise work not counted.`);
for (const c of costs) {
  console.log(`per-batch OneCycleLR + clipNorm on ${c.config}, ${c.threads} thread${c.threads > 1 ? 's' : ''}: ${(100 * c.medianRatio).toFixed(1)}% of plain SGD's samples/s (median of ${c.ratios.length} interleaved pairs; range ${(100 * Math.min(...c.ratios)).toFixed(0)}–${(100 * Math.max(...c.ratios)).toFixed(0)}%)`);
}
for (const c of choices) {
  console.log(`threads per shape (the default) on ${c.config}: ${(100 * c.medianRatio).toFixed(1)}% of the better fixed count's samples/s (median of ${c.rounds} interleaved rounds; range ${(100 * Math.min(...c.ratios)).toFixed(0)}–${(100 * Math.max(...c.ratios)).toFixed(0)}%; 1 thread beat ${cores} in ${c.roundsOneThreadFaster} of them)`);
}
console.log(`trainStep on tiny: ${overhead.trainStepMicroseconds.toFixed(2)} µs per call (one batch of 16, all checks included); inside fit: ${overhead.fitBatchMicroseconds.toFixed(2)} µs per batch`);
console.log(`a whole fit call on one tiny batch (checks + one thread-pool round trip): ${overhead.oneBatchFitMicroseconds.toFixed(0)} µs, ${(overhead.oneBatchFitMicroseconds / 500).toFixed(2)}% of a 50 ms chunk of a long fit`);
console.log(`RSS (MiB) from ${memory.startRssMiB} after each ${memory.stepsPerRound.toLocaleString('en-US')} small steps: fit ${memory.fitRssMiB.join(', ')}; trainStep ${memory.trainStepRssMiB.join(', ')}`);
console.log(`event-loop delay while medium trains with fit for ${delay.seconds.toFixed(1)} s: p50 ${delay.p50Ms.toFixed(2)} ms, p99 ${delay.p99Ms.toFixed(2)} ms, max ${delay.maxMs.toFixed(2)} ms`);
for (const r of streaming) {
  const vs = r.memory ? `; in memory (same rows, fresh process) ${Math.round(r.memory.samplesPerSecond).toLocaleString('en-US')} samples/s, peak RSS ${r.memory.maxRssMiB.toFixed(0)} MiB → streaming at ${(100 * r.samplesPerSecond / r.memory.samplesPerSecond).toFixed(0)}%` : '';
  console.log(`medium from a ${r.fileMiB} MiB CSV (${r.rows.toLocaleString('en-US')} rows): ${Math.round(r.samplesPerSecond).toLocaleString('en-US')} samples/s, peak RSS ${r.maxRssMiB.toFixed(0)} MiB, event-loop p99 ${r.eventLoopP99Ms.toFixed(2)} ms${vs}`);
}
console.log(`\n${scalingReport(sweeps)}`);
console.log(`\n${manyModelsReport(many)}`);
console.log(`\n${inferenceReport(served)}`);
for (const s of systems.filter((s) => s.note)) console.log(`note: ${s.note}`);
for (const r of results.filter((r) => r.estimate)) console.log(`~ ${r.name} on ${r.config}: ${r.estimate}`);
for (const r of results.filter((r) => r.skipped)) console.log(`skipped: ${r.name} on ${r.config}: ${r.skipped}`);

const report = { machine, runs: RUNS, runSeconds: RUN_SECONDS, configs: configs.map((c) => ({ ...c, flopsPerStep: stepFlops(c), bound: bounds[c.name] })), results, scheduleCost: costs, threadChoice: choices, streaming, scaling: sweeps, manyModels: many, inference: served, overhead, memory, eventLoopDelay: delay };
writeFileSync(path.join(out, 'benchmark.json'), JSON.stringify(report, null, 2));
writeFileSync(path.join(out, 'speedup.svg'), speedupChart(results, configs.map((c) => c.name), systems, 'naive-js'));
writeFileSync(path.join(out, 'scaling.svg'), scalingChart(sweeps));
console.log(`\nwrote ${path.relative(process.cwd(), path.join(out, 'benchmark.json'))} and ${path.relative(process.cwd(), path.join(out, 'speedup.svg'))}`);
