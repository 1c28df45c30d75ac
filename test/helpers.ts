// Shared test helpers: tolerance checks and small seeded data sets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, onTestFinished } from 'vitest';
import { Random } from '../lib/random';

/**
 * True in the mutation suite (test/mutation/vitest.config.mts), which runs each test once for
 * every mutant that reaches it: there the CLI runs in process and a few long tests whose
 * property shorter ones check exactly are left out.
 */
export const inMutationSuite = process.env.BLASTRAIN_MUTATION_SUITE === '1';

/** Elementwise |a − e| ≤ atol + rtol·|e|, reporting the worst index on failure. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4, atol = 1e-5, what = 'values'): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`${what}: index ${worst} is ${actual[worst]} but expected ${expected[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}

export function randomFloats(random: Random, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => random.uniform(scale));
}

/** Three interleaved spiral arms in 2-D: a classic non-linear 3-class problem. */
export function spiral(perClass: number, seed = 7): { x: Float32Array; labels: Int32Array } {
  const random = new Random(seed);
  const n = 3 * perClass;
  const x = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < perClass; i++) {
      const r = i / perClass;
      const t = c * 4 + 4 * r + random.uniform(0.2);
      const k = c * perClass + i;
      x[2 * k] = r * Math.sin(t);
      x[2 * k + 1] = r * Math.cos(t);
      labels[k] = c;
    }
  }
  return { x, labels };
}

/** Bit-for-bit equality of two float arrays, fast on large arrays (toEqual walks them slowly). */
export function expectIdentical(actual: Float32Array, expected: Float32Array, what = 'values'): void {
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  if (actual.length === expected.length && bytes(actual).equals(bytes(expected))) return;
  const index = actual.findIndex((v, i) => !Object.is(v, expected[i]));
  expect.fail(`${what}: lengths ${actual.length}/${expected.length}, first difference at ${index}: ${actual[index]} vs ${expected[index]}`);
}

/** ∂f/∂v[i] for every i by central differences with h = 1e-6 (in float64: truncation ~1e-12, round-off ~1e-10). */
export function numericGradient(f: () => number, v: Float64Array): Float64Array {
  const h = 1e-6;
  return v.map((_, i) => {
    const keep = v[i]!;
    v[i] = keep + h;
    const up = f();
    v[i] = keep - h;
    const down = f();
    v[i] = keep;
    return (up - down) / (2 * h);
  });
}

/** An ArrayBuffer that can be resized up to maxBytes (ES2024; Node 20 has it, the TS lib here does not). */
export function resizableBuffer(bytes: number, maxBytes: number): ArrayBuffer & { resize(n: number): void } {
  const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
  return new Resizable(bytes, { maxByteLength: maxBytes });
}

/** What fn throws (undefined when it returns). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/**
 * A fresh directory under the system's temp directory, removed when the test that made it ends
 * (or, made while a file's tests are collected, after that file's tests).
 */
export function scratchDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `blastrain-${name}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    afterAll(remove); // not inside a test: at collection
  }
  return dir;
}
