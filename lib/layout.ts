// The network's shape and where everything lives in its flat buffers. Mirrors native/network.h
// (the codes below are native/activation.h and native/loss.h's enums, checked against the
// addon's `constants` by test/constants.test.ts): both backends read the same layout.
import { BATCH_COUNTERS } from './job';
import { counterWidth, type CounterSpec } from './metrics/counters';

export const ACTIVATIONS = ['linear', 'relu', 'leakyRelu', 'sigmoid', 'tanh', 'softmax'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const LOSSES = ['mse', 'categoricalCrossentropy', 'binaryCrossentropy'] as const;
export type LossName = (typeof LOSSES)[number];

export const LOSS_MSE = 0;
export const LOSS_CATEGORICAL_CROSSENTROPY = 1;
export const LOSS_BINARY_CROSSENTROPY = 2;

export const ACT_LINEAR = 0;
export const ACT_RELU = 1;
export const ACT_LEAKY_RELU = 2;
export const ACT_SIGMOID = 3;
export const ACT_TANH = 4;
export const ACT_SOFTMAX = 5;

/** Layer kinds (native/network.h LayerKind). */
export const LAYER_DENSE = 0;
export const LAYER_DROPOUT = 1;

export interface LayerShape {
  /** Default 'dense'. A dropout layer keeps its input size (units) and has no activation. */
  readonly kind?: 'dense' | 'dropout';
  readonly units: number;
  readonly activation: ActivationName;
  readonly leakyReluAlpha: number;
  /** Dropout probability (dropout layers). */
  readonly rate?: number;
}

/** One layer as native code receives it (native/network.h LayerRecord); offsets in floats. */
export interface LayerPlan {
  readonly kind: number;
  /** Dropout probability; 0 for other kinds. */
  readonly rate: number;
  readonly units: number;
  readonly activation: number;
  readonly alpha: number;
  readonly weightOffset: number;
  readonly biasOffset: number;
  /** The layer's act block starts at B·actRow in a workspace for B rows; its delta block follows. */
  readonly actRow: number;
}

/** A metric counter as native code receives it (native/metrics.h CounterRecord). */
export interface CounterPlan {
  readonly kind: number;
  readonly param: number;
  /** First slot in a batch's stats. */
  readonly offset: number;
}

/** The whole network as native code receives it, once per model (and again after compile). */
export interface Plan {
  readonly loss: number;
  /** The model's seed (dropout masks derive from it). */
  readonly seed: number;
  readonly inputSize: number;
  readonly paramCount: number;
  readonly outputRow: number;
  readonly workspaceRow: number;
  readonly layers: readonly LayerPlan[];
  /** The metric counters, after the fixed batch stats (lib/job.ts). */
  readonly counters: readonly CounterPlan[];
  /** Doubles in one batch's stats: the fixed slots and every counter's. */
  readonly batchStats: number;
}

/**
 * The network's shape and where everything lives in its flat buffers, computed once; immutable.
 * Offsets are in floats. Parameters come in PyTorch state_dict order: W_0 (out×in), b_0, W_1, …
 * The workspace for batches of B rows is
 *   [input (B, in_0)] [act_0 (B, out_0)] [delta_0 (B, out_0)] … [output (B, outputs)],
 * where the last layer's act block holds its pre-activation (logits). Native code checks every
 * offset of `plan` against its own computation (native/network.cpp network_offsets).
 */
export class Layout {
  readonly inputSize: number;
  readonly loss: number;
  readonly seed: number;
  readonly kinds: readonly number[];
  readonly rates: readonly number[];
  readonly sizes: readonly number[];
  readonly activations: readonly number[];
  readonly alphas: readonly number[];
  readonly paramCount: number;
  /** Doubles in one batch's stats (lib/job.ts): the fixed slots, then the counters. */
  readonly batchStats: number;
  readonly plan: Plan;
  private readonly shapes: readonly LayerShape[];
  private readonly weightOffsets: number[] = [];
  private readonly actRows: number[] = [];
  private readonly outputRow: number;

  constructor(inputSize: number, layers: readonly LayerShape[], loss = LOSS_MSE, seed = 0, counters: readonly CounterSpec[] = []) {
    this.inputSize = inputSize;
    this.loss = loss;
    this.seed = seed >>> 0;
    this.shapes = layers;
    this.kinds = layers.map((l) => (l.kind === 'dropout' ? LAYER_DROPOUT : LAYER_DENSE));
    this.rates = layers.map((l) => Math.fround(l.rate ?? 0));
    this.sizes = layers.map((l) => l.units);
    this.activations = layers.map((l) => ACTIVATIONS.indexOf(l.activation));
    // Native code holds the slope as a float; the TypeScript twin uses the same rounded value.
    this.alphas = layers.map((l) => Math.fround(l.leakyReluAlpha));
    let offset = 0;
    let row = inputSize;
    for (let l = 0; l < layers.length; l++) {
      this.weightOffsets.push(offset);
      if (this.kinds[l] === LAYER_DENSE) offset += this.outOf(l) * (this.inOf(l) + 1);
      this.actRows.push(row);
      row += 2 * this.outOf(l);
    }
    this.paramCount = offset;
    this.outputRow = row;
    let slot = BATCH_COUNTERS;
    const counterPlans = counters.map((c) => {
      const plan = { kind: c.kind, param: c.param, offset: slot };
      slot += counterWidth(c, loss, this.outputs);
      return plan;
    });
    this.batchStats = slot;
    this.plan = {
      loss, seed: this.seed, inputSize, paramCount: offset, outputRow: row, workspaceRow: row + this.outputs,
      layers: layers.map((_, l) => ({
        kind: this.kinds[l] as number, rate: this.rates[l] as number, units: this.outOf(l), activation: this.actOf(l), alpha: this.alphaOf(l),
        weightOffset: this.weightOffset(l), biasOffset: this.biasOffset(l), actRow: this.actRows[l] as number,
      })),
      counters: counterPlans, batchStats: slot,
    };
  }

  /** The same network with another loss and metric counters (compile sets them). */
  withLoss(loss: number, counters: readonly CounterSpec[]): Layout {
    return new Layout(this.inputSize, this.shapes, loss, this.seed, counters);
  }

  /** Where counter i's slots start in a batch's stats. */
  counterOffset(i: number): number {
    return (this.plan.counters[i] as CounterPlan).offset;
  }

  get layers(): number {
    return this.sizes.length;
  }
  get outputs(): number {
    return this.outOf(this.layers - 1);
  }
  /** The last activation is folded into the loss (softmax/sigmoid cross-entropy from logits). */
  get fusedOutput(): boolean {
    return this.loss !== LOSS_MSE;
  }

  inOf(l: number): number {
    return l === 0 ? this.inputSize : (this.sizes[l - 1] as number);
  }
  outOf(l: number): number {
    return this.sizes[l] as number;
  }
  actOf(l: number): number {
    return this.activations[l] as number;
  }
  alphaOf(l: number): number {
    return this.alphas[l] as number;
  }

  weightOffset(l: number): number {
    return this.weightOffsets[l] as number;
  }
  biasOffset(l: number): number {
    return this.weightOffset(l) + (this.kinds[l] === LAYER_DENSE ? this.outOf(l) * this.inOf(l) : 0);
  }

  actOffset(l: number, B: number): number {
    return B * (l < this.layers ? (this.actRows[l] as number) : this.outputRow);
  }
  deltaOffset(l: number, B: number): number {
    return this.actOffset(l, B) + B * this.outOf(l);
  }
  outputOffset(B: number): number {
    return this.actOffset(this.layers, B);
  }
  workspaceSize(B: number): number {
    return this.outputOffset(B) + B * this.outputs;
  }
}
