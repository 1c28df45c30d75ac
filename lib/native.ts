// The native addon's whole surface, typed in one place, and its loader.
import * as path from 'node:path';
import { NativeLoadError } from './errors';

/** Targets: float32 rows, or one integer class label per sample. */
export type TargetArray = Float32Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

export interface BlasInfo {
  /** OpenBLAS's build configuration string, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH … Haswell". */
  config: string;
  /** The kernel set OpenBLAS picked for this CPU. */
  corename: string;
  /** Threads OpenBLAS uses for one call. */
  threads: number;
  /** Processors OpenBLAS sees. */
  processors: number;
  /** 0 sequential, 1 pthreads, 2 OpenMP. */
  parallel: number;
}

/** The arguments both training entry points share (native/binding.cpp's TrainCall). */
type TrainArgs = [
  spec: Int32Array, alpha: Float32Array, params: Float32Array, grads: Float32Array,
  workspace: Float32Array, x: Float32Array, y: TargetArray, rows: Int32Array | null,
  batchSize: number, firstBatch: number, batchCount: number,
  kind: number, hyper: Float64Array, state: Float32Array, step: number, stats: Float64Array,
];

// Argument order follows native/binding.cpp; sizes are re-checked there.
export interface NativeAddon {
  blasInfo(): BlasInfo;
  setNumThreads(threads: number): void;
  forward(
    spec: Int32Array, alpha: Float32Array, params: Float32Array, workspace: Float32Array,
    x: Float32Array, rows: Int32Array | null, start: number, count: number,
  ): void;
  loss(
    spec: Int32Array, alpha: Float32Array, workspace: Float32Array, y: TargetArray, samples: number,
    rows: Int32Array | null, start: number, count: number, withGrad: boolean,
  ): number;
  backward(
    spec: Int32Array, alpha: Float32Array, params: Float32Array, grads: Float32Array,
    workspace: Float32Array, x: Float32Array, rows: Int32Array | null, start: number, count: number,
  ): void;
  optimizerStep(
    kind: number, hyper: Float64Array, state: Float32Array, step: number, params: Float32Array,
    grads: Float32Array,
  ): void;
  /** checkFinite: scan all of x and float y first; -1 and stats[0..1] = [x 0 | y 1, index] on a hit. */
  trainBatches(...args: [...TrainArgs, checkFinite: boolean]): number;
  /** trainBatches on the libuv thread pool; control[0] set non-zero stops it before the next batch. */
  trainBatchesAsync(...args: [...TrainArgs, control: Int32Array]): Promise<number>;
  predict(
    spec: Int32Array, alpha: Float32Array, params: Float32Array, workspace: Float32Array,
    x: Float32Array, out: Float32Array,
  ): void;
  evaluate(
    spec: Int32Array, alpha: Float32Array, params: Float32Array, workspace: Float32Array,
    x: Float32Array, y: TargetArray,
  ): [loss: number, correct: number];
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
