// The PyTorch reference trajectories (test/fixtures/vectors from shared/vectors and
// scripts/generate-vectors.py; test/fixtures/schedule-vectors from the same generator), in the
// format shared/README.md describes.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ActivationName, LossName } from '../lib/index';

export interface Trajectory {
  name: string;
  layers: { in: number; out: number; activation: ActivationName }[];
  leakyReluAlpha: number;
  loss: LossName;
  optimizer: { type: string; [option: string]: unknown };
  batchSize: number;
  epochs: number;
  samples: number;
  x: number[];
  y: number[];
  labels?: number[];
  params0: number[];
  grads0: number[];
  losses: number[];
  paramsFinal: number[];
  predictionsFinal: number[];
}

/** Every trajectory in test/fixtures/<folder>. */
export function readTrajectories<T extends Trajectory = Trajectory>(folder: string): T[] {
  const dir = path.join(__dirname, 'fixtures', folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as T);
}
