// The native addon's whole surface, typed in one place, and its loader.
import * as path from 'node:path';
import { NativeLoadError } from './errors';
import type { Plan } from './layout';

/** Targets: float32 rows, or one integer class label per sample. */
export type TargetArray = Float32Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

export interface BlasShape {
  op: 'gemm' | 'gemv';
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  threads: number;
  secondsOneThread: number;
  secondsMaxThreads: number;
}

export interface BlasInfo {
  /** OpenBLAS's build configuration string, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH … Haswell". */
  config: string;
  /** The kernel set OpenBLAS picked for this CPU. */
  corename: string;
  /** The most threads one BLAS call uses (with automaticThreads false, what every call uses). */
  threads: number;
  /** Whether each matrix product's thread count is chosen for its shape (the default; setNumThreads). */
  automaticThreads: boolean;
  /**
   * The matrix products the automatic mode has chosen a count for in this process (those large
   * enough for OpenBLAS to spread over threads): the shape (`m`×`k` times
   * `k`×`n`; a GEMV has `k` 1), the count chosen, and the best of three timed calls at one
   * thread and at the maximum (Infinity when no scratch memory could be had to time it).
   */
  shapes: BlasShape[];
  /** Processors OpenBLAS sees. */
  processors: number;
  /** 0 sequential, 1 pthreads, 2 OpenMP. */
  parallel: number;
}

/** The per-model native object (native/binding_model.h): the plan, validated once and owned by native code. */
export interface NativeModel {
  setWorkspace(workspace: Float32Array): void;
  setOptimizer(kind: number, hyper: Float64Array, state: Float32Array): void;
  forward(x: Float32Array, rows: Int32Array | null, start: number, count: number, step: number): void;
  loss(y: TargetArray, samples: number, rows: Int32Array | null, start: number, count: number, withGrad: boolean): number;
  backward(x: Float32Array, rows: Int32Array | null, start: number, count: number, step: number): void;
  optimizerStep(step: number): void;
  /** The outcome is in the stats header (lib/job.ts). */
  train(
    x: Float32Array, y: TargetArray, rows: Int32Array | null, batchSize: number, firstBatch: number,
    batchCount: number, step: number, stats: Float64Array, schedule: Float64Array | null, gradNorm: boolean,
    checkFinite: boolean,
  ): void;
  /** train on the libuv thread pool; control[0] set non-zero stops it before its next batch. */
  trainAsync(
    x: Float32Array, y: TargetArray, rows: Int32Array | null, batchSize: number, firstBatch: number,
    batchCount: number, step: number, stats: Float64Array, schedule: Float64Array | null, gradNorm: boolean,
    control: Int32Array,
  ): Promise<void>;
  predict(x: Float32Array, out: Float32Array): void;
  /** predict on the thread pool in chunks of batchSize rows; x and out are pinned until it settles. */
  predictAsync(x: Float32Array, out: Float32Array, batchSize: number): Promise<void>;
  /** Mean loss and metric counters over every row, into totals (laid out as one batch's stats). */
  evaluate(x: Float32Array, y: TargetArray, totals: Float64Array): void;
  /** evaluate on the thread pool in chunks of batchSize rows; the outcome and totals land in stats. */
  evaluateAsync(x: Float32Array, y: TargetArray, stats: Float64Array, batchSize: number): Promise<void>;
}

/** The enums native code uses, by name (native/binding.cpp Constants). */
export type NativeConstants = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface NativeAddon {
  Model: new (plan: Plan, params: Float32Array, grads: Float32Array) => NativeModel;
  constants: NativeConstants;
  blasInfo(): BlasInfo;
  /** threads ≥ 1 fixes the count of every call; 0 chooses it per shape. */
  setNumThreads(threads: number): void;
  firstNonFinite(a: Float32Array): number;
  /** c = op(a)·op(b), `iterations` times: the benchmark's probe of this machine's sgemm. */
  gemmRepeat(
    M: number, N: number, K: number, transA: boolean, transB: boolean, iterations: number,
    a: Float32Array, b: Float32Array, c: Float32Array,
  ): void;
}

interface NodeGypBuild {
  (dir: string): unknown;
  path(dir: string): string;
}

// lib/ (sources under vitest) and dist/ (the published build) both sit one level below the root.
const packageRoot = path.join(__dirname, '..');
let addon: NativeAddon | undefined;
let addonPath: string | undefined;

/** Loads the addon once: a local build (build/Release) first, then the bundled prebuild. */
export function loadNative(): NativeAddon {
  // Stryker disable next-line ConditionalExpression: loading again returns the same module (require caches it)
  if (addon === undefined) [addon, addonPath] = loadNativeFrom(packageRoot);
  return addon;
}

/** Loads the addon of the package at `root`, or explains what was tried and how to fix it. */
export function loadNativeFrom(root: string): [NativeAddon, string] {
  const nodeGypBuild = require('node-gyp-build') as NodeGypBuild;
  try {
    const file = nodeGypBuild.path(root);
    return [require(file) as NativeAddon, file];
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new NativeLoadError(
      `Could not load blastrain's native addon for ${process.platform}-${process.arch} ` +
        `(Node ${process.version}, Node-API ${process.versions.napi}).\n` +
        `Looked in ${path.join(root, 'build', 'Release')} and ${path.join(root, 'prebuilds')}: ${reason}\n` +
        'To build it from source: install OpenBLAS (Debian/Ubuntu: sudo apt-get install libopenblas-dev cmake g++; ' +
        'Fedora: sudo dnf install openblas-devel; macOS: brew install openblas), then run ' +
        "`npm rebuild blastrain`. Or use the plain-TypeScript backend: new Sequential({ …, backend: 'js' }).",
      { cause },
    );
  }
}

/** The file the native addon was loaded from (a prebuild or a local build). */
export function nativeBinaryPath(): string {
  loadNative();
  return addonPath as string;
}
