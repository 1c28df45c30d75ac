// Plain-TypeScript twins of native/*.cpp, one function per kernel with the same argument order
// (outputs first) and the same maths; see the C++ headers for the formulas. Generic over
// Float32Array and Float64Array so the gradient checks can run them in double precision.
//
// Mutation testing (docs/mutation-js.md) marks the loops' `<` → `<=` "one past the end" as
// equivalent: every array these loops index is a view of exactly the length they cover, so the
// extra write is dropped (a typed array ignores writes past its end, and what the pass reads
// there only feeds that write) or lands on the next row's first element, which that row then
// writes again.
import {
  ACT_LEAKY_RELU, ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_SOFTMAX, ACT_TANH,
  LOSS_MSE, type CounterPlan,
} from '../../layout';
import {
  COUNTER_ABS_ERROR, COUNTER_ACCURACY, COUNTER_CONFUSION, COUNTER_SQUARED_ERROR, COUNTER_TOP_K, CONFUSION_BINARY, countersPerRow,
} from '../../metrics/counters';
import type { TargetArray } from '../../native';

export type Floats = Float32Array | Float64Array;

/** The targets of one batch, read in place (see native/loss.h). */
export interface Targets {
  readonly data: TargetArray | Float64Array;
  readonly rows: Int32Array | null;
  readonly start: number;
}

export function isDense(data: TargetArray | Float64Array): data is Float32Array | Float64Array {
  return data instanceof Float32Array || data instanceof Float64Array;
}

function targetSample(t: Targets, i: number): number {
  return t.rows !== null ? (t.rows[t.start + i] as number) : t.start + i;
}

// y (B, OC) = x (B, C) · Wᵀ (C, OC) + b
export function denseForward(y: Floats, x: Floats, weight: Floats, bias: Floats, B: number, C: number, OC: number): void {
  // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
  for (let b = 0; b < B; b++) {
    const xRow = b * C;
    // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
    for (let o = 0; o < OC; o++) {
      const wRow = o * C;
      let sum = bias[o] as number;
      for (let c = 0; c < C; c++) sum += (x[xRow + c] as number) * (weight[wRow + c] as number);
      y[b * OC + o] = sum;
    }
  }
}

// dW += dyᵀ · x, db += Σ_rows dy, dx = dy · W (dx null for the first layer)
export function denseBackward(
  dx: Floats | null, dweight: Floats, dbias: Floats, dy: Floats, x: Floats, weight: Floats,
  B: number, C: number, OC: number,
): void {
  for (let b = 0; b < B; b++) {
    // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
    for (let o = 0; o < OC; o++) {
      const g = dy[b * OC + o] as number;
      dbias[o] = (dbias[o] as number) + g;
      // Stryker disable next-line ConditionalExpression: a shortcut; a zero gradient adds 0 · x = 0 (x finite: inputs are checked, activations bounded)
      if (g === 0) continue;
      for (let c = 0; c < C; c++) dweight[o * C + c] = (dweight[o * C + c] as number) + g * (x[b * C + c] as number);
    }
  }
  if (dx === null) return;
  dx.fill(0, 0, B * C);
  // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < OC; o++) {
      const g = dy[b * OC + o] as number;
      // Stryker disable next-line ConditionalExpression: a shortcut; a zero gradient adds 0 · w = 0 (weights are finite: every update is checked)
      if (g === 0) continue;
      for (let c = 0; c < C; c++) dx[b * C + c] = (dx[b * C + c] as number) + g * (weight[o * C + c] as number);
    }
  }
}

export function sigmoid(z: number): number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: both branches are the logistic function, written two ways so neither overflows; at z = 0 both give 0.5 and elsewhere they agree to float64 round-off, far below the float32 every result is stored in
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

function softmaxRow(y: Floats, offset: number, C: number): void {
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, y[offset + c] as number);
  let sum = 0;
  for (let c = 0; c < C; c++) {
    const e = Math.exp((y[offset + c] as number) - max);
    y[offset + c] = e;
    sum += e;
  }
  for (let c = 0; c < C; c++) y[offset + c] = (y[offset + c] as number) / sum;
}

export function activationForward(y: Floats, B: number, C: number, act: number, alpha: number): void {
  const n = B * C;
  switch (act) {
    case ACT_LINEAR:
      return;
    case ACT_RELU:
      for (let i = 0; i < n; i++) if (!((y[i] as number) > 0)) y[i] = 0;
      return;
    case ACT_LEAKY_RELU:
      // Stryker disable next-line EqualityOperator: one past the end (see the note at the top); and at y = 0 both branches give 0
      for (let i = 0; i < n; i++) if (!((y[i] as number) > 0)) y[i] = alpha * (y[i] as number);
      return;
    case ACT_SIGMOID:
      // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
      for (let i = 0; i < n; i++) y[i] = sigmoid(y[i] as number);
      return;
    case ACT_TANH:
      // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
      for (let i = 0; i < n; i++) y[i] = Math.tanh(y[i] as number);
      return;
    case ACT_SOFTMAX:
      // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
      for (let b = 0; b < B; b++) softmaxRow(y, b * C, C);
      return;
  }
}

// d = d ⊙ f'(z), with f' written in terms of the output y = f(z)
export function activationBackward(d: Floats, y: Floats, B: number, C: number, act: number, alpha: number): void {
  const n = B * C;
  switch (act) {
    case ACT_LINEAR:
      return;
    case ACT_RELU:
      // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
      for (let i = 0; i < n; i++) if (!((y[i] as number) > 0)) d[i] = 0;
      return;
    case ACT_LEAKY_RELU:
      // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
      for (let i = 0; i < n; i++) if (!((y[i] as number) > 0)) d[i] = alpha * (d[i] as number);
      return;
    case ACT_SIGMOID:
      // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) * (y[i] as number) * (1 - (y[i] as number));
      return;
    case ACT_TANH:
      // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) * (1 - (y[i] as number) * (y[i] as number));
      return;
    case ACT_SOFTMAX:
      // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
      for (let b = 0; b < B; b++) {
        let dot = 0;
        for (let c = 0; c < C; c++) dot += (d[b * C + c] as number) * (y[b * C + c] as number);
        for (let c = 0; c < C; c++) d[b * C + c] = (y[b * C + c] as number) * ((d[b * C + c] as number) - dot);
      }
      return;
  }
}

export function mseLoss(dout: Floats | null, out: Floats, t: Targets, B: number, K: number): number {
  const y = t.data as Floats;
  const scale = 2 / (B * K);
  let sum = 0;
  for (let b = 0; b < B; b++) {
    const yRow = targetSample(t, b) * K;
    for (let k = 0; k < K; k++) {
      const diff = (out[b * K + k] as number) - (y[yRow + k] as number);
      sum += diff * diff;
      if (dout !== null) dout[b * K + k] = scale * diff;
    }
  }
  return sum / (B * K);
}

export function softmaxCrossentropyLoss(dlogits: Floats | null, logits: Floats, t: Targets, B: number, K: number): number {
  let sum = 0;
  for (let b = 0; b < B; b++) {
    const z = b * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, logits[z + k] as number);
    let expSum = 0;
    for (let k = 0; k < K; k++) expSum += Math.exp((logits[z + k] as number) - max);
    const lse = max + Math.log(expSum);
    const sample = targetSample(t, b);
    if (isDense(t.data)) {
      const y = t.data;
      let ySum = 0;
      let yz = 0;
      for (let k = 0; k < K; k++) {
        ySum += y[sample * K + k] as number;
        yz += (y[sample * K + k] as number) * (logits[z + k] as number);
      }
      sum += lse * ySum - yz;
      if (dlogits !== null) {
        // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
        for (let k = 0; k < K; k++) {
          dlogits[z + k] = (Math.exp((logits[z + k] as number) - lse) * ySum - (y[sample * K + k] as number)) / B;
        }
      }
    } else {
      const label = t.data[sample] as number;
      sum += lse - (logits[z + label] as number);
      if (dlogits !== null) {
        // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
        for (let k = 0; k < K; k++) dlogits[z + k] = (Math.exp((logits[z + k] as number) - lse) - (k === label ? 1 : 0)) / B;
      }
    }
  }
  return sum / B;
}

export function sigmoidBceLoss(dlogits: Floats | null, logits: Floats, t: Targets, B: number, K: number): number {
  const y = t.data as Floats;
  const scale = 1 / (B * K);
  let sum = 0;
  for (let b = 0; b < B; b++) {
    const yRow = targetSample(t, b) * K;
    for (let k = 0; k < K; k++) {
      const z = logits[b * K + k] as number;
      const target = y[yRow + k] as number;
      sum += Math.max(z, 0) - z * target + Math.log1p(Math.exp(-Math.abs(z)));
      if (dlogits !== null) dlogits[b * K + k] = scale * (sigmoid(z) - target);
    }
  }
  return sum / (B * K);
}

function argmax(v: Floats | TargetArray, offset: number, K: number): number {
  let best = 0;
  for (let k = 1; k < K; k++) if ((v[offset + k] as number) > (v[offset + best] as number)) best = k;
  return best;
}

function trueClass(t: Targets, b: number, K: number): number {
  const sample = targetSample(t, b);
  return isDense(t.data) ? argmax(t.data, sample * K, K) : (t.data[sample] as number);
}

function targetAt(t: Targets, b: number, k: number, K: number): number {
  const sample = targetSample(t, b);
  return isDense(t.data) ? (t.data[sample * K + k] as number) : Number(t.data[sample] === k);
}

function addConfusion(s: Float64Array, at: number, predicted: boolean, truth: boolean): void {
  if (predicted && truth) s[at]! += 1;
  if (predicted && !truth) s[at + 1]! += 1;
  if (!predicted && truth) s[at + 2]! += 1;
}

// Twin of counters_accumulate (native/metrics.cpp): adds the batch's counts to slots.
export function countersAccumulate(
  slots: Float64Array, counters: readonly CounterPlan[], scores: Floats, probs: Floats, t: Targets, B: number, K: number, loss: number,
): void {
  const perRow = countersPerRow(loss, K);
  const threshold = loss === LOSS_MSE ? 0.5 : 0;
  for (const c of counters) {
    const o = c.offset;
    for (let b = 0; b < B; b++) {
      const z = b * K;
      switch (c.kind) {
        case COUNTER_ACCURACY:
          if (perRow) {
            if (argmax(scores, z, K) === trueClass(t, b, K)) slots[o]! += 1;
            slots[o + 1]! += 1;
          } else {
            for (let k = 0; k < K; k++) if ((scores[z + k] as number) > threshold === targetAt(t, b, k, K) > 0.5) slots[o]! += 1;
            slots[o + 1]! += K;
          }
          break;
        case COUNTER_TOP_K: {
          const truth = scores[z + trueClass(t, b, K)] as number;
          let above = 0;
          for (let k = 0; k < K; k++) if ((scores[z + k] as number) > truth) above++;
          if (above < c.param) slots[o]! += 1;
          slots[o + 1]! += 1;
          break;
        }
        case COUNTER_ABS_ERROR:
        case COUNTER_SQUARED_ERROR:
          for (let k = 0; k < K; k++) {
            const e = (probs[z + k] as number) - targetAt(t, b, k, K);
            slots[o]! += c.kind === COUNTER_ABS_ERROR ? Math.abs(e) : e * e;
          }
          slots[o + 1]! += K;
          break;
        case COUNTER_CONFUSION:
          if (perRow) {
            const [predicted, truth] = [argmax(scores, z, K), trueClass(t, b, K)];
            if (c.param === CONFUSION_BINARY) addConfusion(slots, o, predicted === 1, truth === 1);
            else if (predicted === truth) slots[o + 3 * predicted]! += 1;
            else {
              slots[o + 3 * predicted + 1]! += 1;
              slots[o + 3 * truth + 2]! += 1;
            }
          } else {
            for (let k = 0; k < K; k++) {
              addConfusion(slots, c.param === CONFUSION_BINARY ? o : o + 3 * k, (scores[z + k] as number) > threshold, targetAt(t, b, k, K) > 0.5);
            }
          }
          break;
      }
    }
  }
}

export interface SgdOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

// torch.optim.SGD, element by element (native/sgd.h has the formulas).
export function sgdStep(params: Floats, momentum: Floats, grads: Floats, o: SgdOptions, firstStep: boolean): void {
  // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
  for (let i = 0; i < params.length; i++) {
    let g = (grads[i] as number) + o.weightDecay * (params[i] as number);
    if (o.momentum !== 0) {
      const buf = firstStep ? g : o.momentum * (momentum[i] as number) + (1 - o.dampening) * g;
      momentum[i] = buf;
      g = o.nesterov ? g + o.momentum * buf : buf;
    }
    params[i] = (params[i] as number) - o.lr * g;
  }
}

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  /** AdamW's decoupled weight decay. */
  decoupled: boolean;
}

// torch.optim.Adam / AdamW (native/adam.h has the formulas); step counts from 1.
export function adamStep(
  params: Floats, expAvg: Floats, expAvgSq: Floats, maxExpAvgSq: Floats, grads: Floats, o: AdamOptions, step: number,
): void {
  const stepSize = o.lr / (1 - o.beta1 ** step);
  const correction2Sqrt = Math.sqrt(1 - o.beta2 ** step);
  const decay = o.decoupled ? 1 - o.lr * o.weightDecay : 1;
  const l2 = o.decoupled ? 0 : o.weightDecay;
  // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
  for (let i = 0; i < params.length; i++) {
    const g = (grads[i] as number) + l2 * (params[i] as number);
    const m = (expAvg[i] = o.beta1 * (expAvg[i] as number) + (1 - o.beta1) * g);
    let v = (expAvgSq[i] = o.beta2 * (expAvgSq[i] as number) + (1 - o.beta2) * g * g);
    if (o.amsgrad) v = maxExpAvgSq[i] = Math.max(maxExpAvgSq[i] as number, v);
    params[i] = (params[i] as number) * decay - (stepSize * m) / (Math.sqrt(v) / correction2Sqrt + o.eps);
  }
}

export interface RmspropOptions {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
}

// torch.optim.RMSprop (native/rmsprop.h has the formulas).
export function rmspropStep(params: Floats, squareAvg: Floats, momentum: Floats, gradAvg: Floats, grads: Floats, o: RmspropOptions): void {
  // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
  for (let i = 0; i < params.length; i++) {
    const g = (grads[i] as number) + o.weightDecay * (params[i] as number);
    let s = (squareAvg[i] = o.rho * (squareAvg[i] as number) + (1 - o.rho) * g * g);
    if (o.centered) {
      const a = (gradAvg[i] = o.rho * (gradAvg[i] as number) + (1 - o.rho) * g);
      s -= a * a;
    }
    const d = Math.sqrt(s) + o.eps;
    if (o.momentum > 0) {
      momentum[i] = o.momentum * (momentum[i] as number) + g / d;
      params[i] = (params[i] as number) - o.lr * (momentum[i] as number);
    } else {
      params[i] = (params[i] as number) - (o.lr * g) / d;
    }
  }
}

// Twin of clip_gradients (native/clip.h): returns ‖g‖₂ before clipping; ≤ 0 turns a clip off.
export function clipGradients(grads: Floats, maxNorm: number, maxValue: number): number {
  let sum = 0;
  for (const g of grads) sum += g * g;
  const norm = Math.sqrt(sum);
  if (maxNorm > 0) {
    const coefficient = maxNorm / (norm + 1e-6);
    // Stryker disable next-line EqualityOperator: a factor of exactly 1 scales by 1, which is exact
    if (coefficient < 1) {
      const c = Math.fround(coefficient);
      // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
      for (let i = 0; i < grads.length; i++) grads[i] = (grads[i] as number) * c;
    }
  }
  if (maxValue > 0) {
    const v = Math.fround(maxValue);
    // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
    for (let i = 0; i < grads.length; i++) grads[i] = Math.min(v, Math.max(-v, grads[i] as number));
  }
  return norm;
}

// Twin of native/dropout.cpp: the same counter-based mask, bit for bit.
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface DropoutKey {
  readonly seed: number;
  readonly step: number;
  readonly layer: number;
}

export function dropoutUniform(key: DropoutKey, row: number, unit: number): number {
  let h = mix((key.seed + 0x9e3779b9) >>> 0);
  h = mix(h ^ (key.step >>> 0));
  h = mix(h ^ key.layer);
  h = mix(h ^ row);
  h = mix(h ^ unit);
  return (h >>> 8) / 16777216;
}

// y = x ⊙ mask / (1 − rate); backward applies the same to dy. rate is float32 (Layout rounds it).
export function dropoutForward(y: Floats, x: Floats, B: number, C: number, rate: number, key: DropoutKey): void {
  const scale = Math.fround(1 / Math.fround(1 - rate));
  // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
  for (let b = 0; b < B; b++) {
    // Stryker disable next-line EqualityOperator: one past the end (see the note at the top)
    for (let c = 0; c < C; c++) {
      const i = b * C + c;
      y[i] = dropoutUniform(key, b, c) >= rate ? (x[i] as number) * scale : 0;
    }
  }
}
