// How cost grows (npm run bench -- --scaling, and part of a full run): training samples/s of
// blastrain (default threads), its GEMM-only bound and the best JS peer (TensorFlow.js wasm)
// against batch size (784-128-10, batch 1 … 1,024) and against hidden width (784-W-10 at
// batch 64, W 64 … 4,096), drawn as a log-log chart.
import { logScale } from '../dist/plot/axis.js';
import { makeData } from './configs.mjs';
import { gemmBound, measure } from './measure.mjs';
import { blastrain } from './systems/blastrain.mjs';
import { tfjs } from './systems/tfjs.mjs';

export const SWEEPS = [
  { key: 'batch', title: 'Batch size (784-128-10)', values: [1, 4, 16, 64, 256, 1024], config: (b) => ({ layers: [784, 128, 10], batch: b }) },
  { key: 'width', title: 'Hidden width (784-W-10, batch 64)', values: [64, 256, 1024, 4096], config: (w) => ({ layers: [784, w, 10], batch: 64 }) },
];

export async function scaling({ quick = false, cores }) {
  const timing = { runs: quick ? 3 : 5, runSeconds: quick ? 0.1 : 0.3, skipSeconds: 3, cores };
  const systems = [blastrain({ threads: 'auto' }), tfjs('wasm')];
  const sweeps = [];
  for (const sweep of SWEEPS) {
    const points = [];
    for (const value of quick ? sweep.values.filter((_, i) => i % 2 === 1) : sweep.values) {
      const base = sweep.config(value);
      // Enough batches for a run to cycle through different rows, at most ~16 MiB of inputs.
      const config = { name: `${sweep.key}-${value}`, ...base, batches: Math.max(2, Math.min(64, Math.floor(4096 / base.batch))) };
      const data = makeData(config);
      const point = { value, bound: gemmBound(config, timing).samplesPerSecond };
      for (const system of systems) point[system.key] = (await measure(system, config, data, timing)).samplesPerSecond;
      points.push(point);
    }
    sweeps.push({ key: sweep.key, title: sweep.title, systems: systems.map((s) => ({ key: s.key, name: s.name })), points });
  }
  return sweeps;
}

export function scalingReport(sweeps) {
  const fmt = (v) => Math.round(v).toLocaleString('en-US');
  return sweeps.map((s) => [
    `training samples/s against ${s.key === 'batch' ? 'batch size' : 'hidden width'}: ${s.title}`,
    `  ${s.key.padEnd(8)}${'GEMM bound'.padStart(14)}${s.systems.map((x) => x.name.padStart(30)).join('')}${'% of bound'.padStart(12)}`,
    ...s.points.map((p) => `  ${String(p.value).padEnd(8)}${fmt(p.bound).padStart(14)}${s.systems.map((x) => fmt(p[x.key]).padStart(30)).join('')}${`${(100 * p[s.systems[0].key] / p.bound).toFixed(0)}%`.padStart(12)}`),
  ].join('\n')).join('\n');
}

const STYLES = [
  { stroke: '#555555', dash: '3 3', label: 'GEMM-only bound' },
  { stroke: '#1f5fa8', dash: '', label: 'blastrain' },
  { stroke: '#c4351b', dash: '8 4', label: 'TensorFlow.js (wasm)' },
];

/** The sweeps as a log-log SVG, one panel each. */
export function scalingChart(sweeps) {
  const width = 960;
  const panel = { w: 420, h: 300, top: 50, left: 70 };
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${panel.h + 110}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  sweeps.forEach((sweep, i) => {
    const x0 = panel.left + i * (panel.w + 40);
    const [px, py] = [x0, panel.top];
    const series = [(p) => p.bound, ...sweep.systems.map((s) => (p) => p[s.key])];
    const all = sweep.points.flatMap((p) => series.map((f) => f(p))).filter((v) => v > 0);
    // x spans exactly the swept values (5% margins), y whole decades of samples/s.
    const [lo, hi] = [Math.min(...sweep.points.map((p) => p.value)), Math.max(...sweep.points.map((p) => p.value))].map(Math.log);
    const ys = logScale(Math.min(...all), Math.max(...all));
    const X = (v) => (px + (0.05 + (0.9 * (Math.log(v) - lo)) / (hi - lo)) * (panel.w - 20)).toFixed(1);
    const Y = (v) => (py + panel.h - ys.at(v) * panel.h).toFixed(1);
    parts.push(`<text x="${px}" y="${py - 16}" font-size="14" font-weight="bold">${sweep.title}</text>`);
    parts.push(`<text transform="translate(${px - 52} ${py + panel.h / 2}) rotate(-90)" text-anchor="middle">training samples/s</text>`);
    for (const t of ys.ticks) parts.push(`<line x1="${px}" x2="${px + panel.w - 20}" y1="${Y(t)}" y2="${Y(t)}" stroke="#e4e4e4"/><text x="${px - 6}" y="${Number(Y(t)) + 4}" text-anchor="end">${t >= 1e6 ? `${t / 1e6}M` : t >= 1e3 ? `${t / 1e3}k` : t}</text>`);
    for (const p of sweep.points) parts.push(`<text x="${X(p.value)}" y="${py + panel.h + 16}" text-anchor="middle">${p.value}</text>`);
    parts.push(`<path d="M${px} ${py}V${py + panel.h}H${px + panel.w - 20}" fill="none" stroke="#333333"/>`);
    parts.push(`<text x="${px + (panel.w - 20) / 2}" y="${py + panel.h + 34}" text-anchor="middle">${sweep.key === 'batch' ? 'batch size' : 'hidden width'}</text>`);
    series.forEach((f, s) => {
      const style = STYLES[s];
      const d = sweep.points.map((p, k) => `${k === 0 ? 'M' : 'L'}${X(p.value)} ${Y(f(p))}`).join('');
      parts.push(`<path d="${d}" fill="none" stroke="${style.stroke}" stroke-width="2"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`);
      for (const p of sweep.points) parts.push(`<circle cx="${X(p.value)}" cy="${Y(f(p))}" r="3" fill="${style.stroke}"/>`);
    });
  });
  STYLES.forEach((style, s) => {
    const lx = panel.left + s * 200;
    const ly = panel.h + 100;
    parts.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 30}" y2="${ly}" stroke="${style.stroke}" stroke-width="2"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/><text x="${lx + 36}" y="${ly + 4}">${style.label}</text>`);
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}
