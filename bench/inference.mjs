// npm run bench -- --inference: serving speed. For the small and medium MLPs (bench/configs.mjs)
// one set of weights is saved as a blastrain model and exported to ONNX; then blastrain's
// predict, onnxruntime-node (CPU) and TensorFlow.js (cpu, wasm) each run in a process of their
// own (bench/inference-worker.mjs) on those weights: one-sample latency and batch throughput.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIGS } from './configs.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SYSTEMS = [
  { key: 'blastrain', name: 'blastrain predict' },
  { key: 'onnxruntime', name: 'onnxruntime-node (CPU)' },
  { key: 'tfjs-cpu', name: 'TensorFlow.js 4.22 (cpu)' },
  { key: 'tfjs-wasm', name: 'TensorFlow.js 4.22 (wasm)' },
];

export async function inference({ quick = false, configs = ['small', 'medium'] } = {}) {
  const { Dense, Sequential } = await import('../dist/index.js');
  const results = [];
  for (const config of CONFIGS.filter((c) => configs.includes(c.name))) {
    const dir = mkdtempSync(path.join(tmpdir(), 'blastrain-inference-'));
    try {
      const sizes = config.layers;
      const model = new Sequential({
        inputSize: sizes[0], seed: 7,
        layers: sizes.slice(1).map((units, i) => new Dense(units, { activation: i === sizes.length - 2 ? 'softmax' : 'relu' })),
      });
      await model.save(path.join(dir, 'model.safetensors'));
      await model.exportOnnx(path.join(dir, 'model.onnx'));
      const rows = [];
      for (const system of SYSTEMS) {
        const out = execFileSync(process.execPath, [path.join(here, 'inference-worker.mjs'), system.key, dir, quick ? 'quick' : 'full'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
        rows.push({ ...JSON.parse(out.trim().split('\n').at(-1)), name: system.name });
      }
      results.push({ config: config.name, layers: sizes, systems: rows });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}

export function inferenceReport(results) {
  const lines = ['Inference: the same weights in each system, each in its own process (predict of softmax outputs)'];
  const fmt = (v) => Math.round(v).toLocaleString('en-US');
  for (const r of results) {
    lines.push(`${r.config} ${r.layers.join('-')}:`);
    lines.push(`  ${'system'.padEnd(28)}${'1 sample p50'.padStart(14)}${'p99'.padStart(10)}${'batch 1'.padStart(13)}${'batch 32'.padStart(13)}${'batch 1024'.padStart(13)}  (samples/s)`);
    for (const s of r.systems) {
      lines.push(`  ${s.name.padEnd(28)}${`${s.latency.p50.toFixed(1)} µs`.padStart(14)}${`${s.latency.p99.toFixed(1)} µs`.padStart(10)}${fmt(s.throughput[1]).padStart(13)}${fmt(s.throughput[32]).padStart(13)}${fmt(s.throughput[1024]).padStart(13)}`);
    }
    const [ours, ort] = ['blastrain', 'onnxruntime'].map((k) => r.systems.find((s) => s.system === k));
    lines.push(`  blastrain vs onnxruntime: one-sample latency ${(ours.latency.p50 / ort.latency.p50 * 100).toFixed(0)}% of its (goal ≤ 50%), batch-1024 throughput ${(ours.throughput[1024] / ort.throughput[1024] * 100).toFixed(0)}% of its (goal ≥ 100%)`);
    lines.push(`  OpenBLAS's forward GEMMs alone at batch 1024: ${fmt(ours.gemmBound1024)} samples/s; blastrain predict reaches ${(ours.throughput[1024] / ours.gemmBound1024 * 100).toFixed(0)}% of that`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await inference({ quick: process.argv.includes('--quick') });
  console.log(inferenceReport(results));
  console.log(JSON.stringify(results));
}
