// Many models at once (npm run bench -- --many, and part of a full run): a server that trains
// one small model per tenant runs several fits concurrently. For the tiny and small configs,
// 1, 4 and 16 models (each with its own data) train with fit all at once (Promise.all) and one
// after the other; aggregate samples/s for each, under each combination of OpenBLAS threads
// (1 or every core) and libuv thread-pool size (the default 4, or the cores), each combination
// in a process of its own (UV_THREADPOOL_SIZE only takes effect at start).
//   node bench/many-models.mjs CONFIG BLAS_THREADS [quick]   (the worker; prints JSON)
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CONFIGS, makeData } from './configs.mjs';

const COUNTS = [1, 4, 16];

async function worker(configName, blasThreads, quick) {
  const { setNumThreads } = await import('../dist/index.js');
  const { benchModel } = await import('./systems/blastrain.mjs');
  const config = CONFIGS.find((c) => c.name === configName);
  setNumThreads(blasThreads);
  const rowsPerModel = config.batch * config.batches;
  // Epochs for about 0.4 s (0.1 s quick) of one model's training at this setting.
  const probe = benchModel(config);
  const data = makeData(config);
  await probe.fit(data.x, data.labels, { batchSize: config.batch, epochs: 1 });
  let started = performance.now();
  await probe.fit(data.x, data.labels, { batchSize: config.batch, epochs: 2 });
  const epochs = Math.max(1, Math.round(((quick ? 0.1 : 0.4) / ((performance.now() - started) / 1000)) * 2));
  const results = [];
  for (const count of COUNTS) {
    const models = Array.from({ length: count }, () => benchModel(config));
    const sets = Array.from({ length: count }, (_, i) => makeData(config, i + 1));
    const fit = (i) => models[i].fit(sets[i].x, sets[i].labels, { batchSize: config.batch, epochs });
    await Promise.all(models.map((_, i) => models[i].fit(sets[i].x, sets[i].labels, { batchSize: config.batch, epochs: 1 }))); // warm
    started = performance.now();
    for (let i = 0; i < count; i++) await fit(i);
    const sequential = (count * rowsPerModel * epochs) / ((performance.now() - started) / 1000);
    started = performance.now();
    await Promise.all(models.map((_, i) => fit(i)));
    const concurrent = (count * rowsPerModel * epochs) / ((performance.now() - started) / 1000);
    results.push({ count, sequential, concurrent });
  }
  return results;
}

export async function manyModels({ quick = false } = {}) {
  const cores = cpus().length;
  const runs = [];
  for (const config of ['tiny', 'small']) {
    for (const blasThreads of [...new Set([1, cores])]) {
      for (const pool of [...new Set([4, cores])]) {
        const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), config, String(blasThreads), quick ? 'quick' : 'full'], {
          encoding: 'utf8', env: { ...process.env, UV_THREADPOOL_SIZE: String(pool) }, stdio: ['ignore', 'pipe', 'inherit'],
        });
        runs.push({ config, blasThreads, pool, results: JSON.parse(out) });
      }
    }
  }
  return runs;
}

export function manyModelsReport(runs) {
  const fmt = (v) => Math.round(v).toLocaleString('en-US');
  const lines = ['Many models: aggregate training samples/s of N models trained with fit one after the other → all at once (Promise.all)'];
  lines.push(`  ${'config'.padEnd(8)}${'BLAS threads'.padStart(13)}${'pool'.padStart(6)}${COUNTS.map((n) => `N=${n}`.padStart(30)).join('')}`);
  for (const r of runs) {
    lines.push(`  ${r.config.padEnd(8)}${String(r.blasThreads).padStart(13)}${String(r.pool).padStart(6)}${r.results.map((x) => `${fmt(x.sequential)} → ${fmt(x.concurrent)} (${(x.concurrent / x.sequential).toFixed(2)}×)`.padStart(30)).join('')}`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.length >= 4) {
  console.log(JSON.stringify(await worker(process.argv[2], Number(process.argv[3]), process.argv[4] === 'quick')));
}
