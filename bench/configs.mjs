// The benchmark's MLPs: ReLU hidden layers, softmax cross-entropy, plain SGD lr 0.01, random
// data in memory, batches taken in order.
export const CONFIGS = [
  { name: 'tiny', layers: [4, 16, 3], batch: 16, batches: 1024 },
  { name: 'small', layers: [784, 128, 10], batch: 64, batches: 64 },
  { name: 'medium', layers: [784, 512, 512, 10], batch: 128, batches: 16 },
  { name: 'large', layers: [1024, 2048, 2048, 10], batch: 256, batches: 4 },
];

export const LR = 0.01;

/** (in, out) of every dense layer. */
export function dense(config) {
  return config.layers.slice(1).map((out, l) => ({ in: config.layers[l], out }));
}

/**
 * The GEMMs of one training step, as row-major sgemm shapes (see native/dense.cpp):
 * forward Y = X·Wᵀ (B×out×in), weight gradient dW = dYᵀ·X (out×in×B), and input gradient
 * dX = dY·W (B×in×out) for every layer but the first.
 */
export function stepGemms(config) {
  const B = config.batch;
  return dense(config).flatMap((l, i) => [
    { M: B, N: l.out, K: l.in, transA: false, transB: true },
    { M: l.out, N: l.in, K: B, transA: true, transB: false },
    ...(i > 0 ? [{ M: B, N: l.in, K: l.out, transA: false, transB: false }] : []),
  ]);
}

/** FLOPs of one step: 2·M·N·K summed over its GEMMs (element-wise work is not counted). */
export function stepFlops(config) {
  return stepGemms(config).reduce((sum, g) => sum + 2 * g.M * g.N * g.K, 0);
}

/** Deterministic pseudo-random data: inputs in [-1, 1), labels in [0, classes). */
export function makeData(config, seed = 1) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const samples = config.batch * config.batches;
  const inputs = config.layers[0];
  const classes = config.layers.at(-1);
  const x = Float32Array.from({ length: samples * inputs }, () => 2 * next() - 1);
  const labels = Int32Array.from({ length: samples }, () => Math.floor(next() * classes));
  const oneHot = new Float32Array(samples * classes);
  labels.forEach((label, i) => (oneHot[i * classes + label] = 1));
  return { x, labels, oneHot, samples, inputs, classes };
}
