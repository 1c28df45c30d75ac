// Prints a benchmark JSON (bench/results/benchmark.json, or the one committed in docs/) as the
// Markdown table the README shows, and with --svg=FILE redraws its chart:
//   node bench/report.mjs [file] [--svg=out.svg]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { speedupChart } from './chart.mjs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--')) ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'benchmark.json');
const svg = args.find((a) => a.startsWith('--svg='))?.slice('--svg='.length);
const report = JSON.parse(readFileSync(file, 'utf8'));
const configs = report.configs.map((c) => c.name);
const systems = [...new Map(report.results.map((r) => [r.system, r.name])).entries()];
const find = (config, system) => report.results.find((r) => r.config === config && r.system === system);
const number = (v) => Math.round(v).toLocaleString('en-US');
const best = (config) =>
  report.results.filter((r) => r.config === config && r.system.startsWith('blastrain-native') && r.samplesPerSecond).sort((a, b) => b.samplesPerSecond - a.samplesPerSecond)[0];

const rows = [
  ['samples/s', ...report.configs.map((c) => `${c.name} ${c.layers.join('-')}, batch ${c.batch}`)],
  ['GEMM-only bound (sgemm of one step, best of 1/2 threads per GEMM)', ...report.configs.map((c) => number(c.bound.samplesPerSecond))],
  ...systems.map(([key, name]) => [name, ...configs.map((c) => {
    const r = find(c, key);
    return r?.samplesPerSecond ? `${r.estimate ? '~' : ''}${number(r.samplesPerSecond)}` : 'skipped';
  })]),
  ['**blastrain efficiency** (best blastrain ÷ bound)', ...configs.map((c) => `**${Math.round(100 * (best(c)?.efficiency ?? 0))}%**`)],
  ['blastrain speed-up over naive JS', ...configs.map((c) => {
    const naive = find(c, 'naive-js');
    return naive?.samplesPerSecond && best(c) ? `${number(best(c).samplesPerSecond / naive.samplesPerSecond)}×` : '—';
  })],
];
console.log(rows.map((r, i) => `| ${r.join(' | ')} |${i === 0 ? `\n|---|${'---:|'.repeat(configs.length)}` : ''}`).join('\n'));

const percent = (v) => `${(100 * v).toFixed(1)}%`;

// The default thread choice against the better fixed count (run.mjs threadChoice).
if (report.threadChoice?.length) {
  console.log('\n| threads per shape (the default) ÷ the better of 1 and all cores | median of interleaved rounds | range | rounds 1 thread beat all cores |\n|---|---:|---:|---:|');
  for (const c of report.threadChoice) {
    console.log(`| ${c.config} | ${percent(c.medianRatio)} (${c.rounds} rounds) | ${percent(Math.min(...c.ratios))}–${percent(Math.max(...c.ratios))} | ${c.roundsOneThreadFaster} |`);
  }
}

// What a per-batch schedule and clipping cost (run.mjs scheduleCost), as a third table.
if (report.scheduleCost?.length) {
  console.log('\n| per-batch OneCycleLR + clipNorm, ÷ plain SGD | threads | median of interleaved pairs | range |\n|---|---:|---:|---:|');
  for (const c of report.scheduleCost) {
    console.log(`| ${c.config} | ${c.threads} | ${percent(c.medianRatio)} (${c.ratios.length} pairs) | ${percent(Math.min(...c.ratios))}–${percent(Math.max(...c.ratios))} |`);
  }
}

if (svg) {
  writeFileSync(svg, speedupChart(report.results, configs, systems.map(([key, name]) => ({ key, name })), 'naive-js'));
}
