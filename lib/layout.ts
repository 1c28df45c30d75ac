// The network's shape and where everything lives in its flat buffers. Mirrors native/network.h
// (the codes below are native/activation.h and native/loss.h's enums): both backends read the
// same spec and the same layout.

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

export interface LayerShape {
  readonly units: number;
  readonly activation: ActivationName;
  readonly leakyReluAlpha: number;
}

/**
 * spec = [loss, nLayers, inputSize, out_0, act_0, out_1, act_1, ...]; alpha = leakyRelu slopes.
 * Offsets are in floats. Parameters come in PyTorch state_dict order: W_0 (out×in), b_0, W_1, …
 * The workspace for batches of B rows is
 *   [input (B, in_0)] [act_0 (B, out_0)] [delta_0 (B, out_0)] … [output (B, outputs)],
 * where the last layer's act block holds its pre-activation (logits).
 */
export class Layout {
  readonly spec: Int32Array;
  readonly alpha: Float32Array;
  readonly inputSize: number;
  readonly sizes: readonly number[];
  readonly activations: readonly number[];
  readonly paramCount: number;
  private readonly weightOffsets: number[] = [];

  constructor(inputSize: number, layers: readonly LayerShape[], loss = LOSS_MSE) {
    this.inputSize = inputSize;
    this.sizes = layers.map((l) => l.units);
    this.activations = layers.map((l) => ACTIVATIONS.indexOf(l.activation));
    this.spec = Int32Array.from([loss, layers.length, inputSize, ...layers.flatMap((_, l) => [this.sizes[l] as number, this.activations[l] as number])]);
    this.alpha = Float32Array.from(layers.map((l) => l.leakyReluAlpha));
    let offset = 0;
    for (let l = 0; l < layers.length; l++) {
      this.weightOffsets.push(offset);
      offset += this.outOf(l) * (this.inOf(l) + 1);
    }
    this.paramCount = offset;
  }

  get layers(): number {
    return this.sizes.length;
  }
  get outputs(): number {
    return this.outOf(this.layers - 1);
  }
  get loss(): number {
    return this.spec[0] as number;
  }
  set loss(code: number) {
    this.spec[0] = code;
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
    return this.alpha[l] as number;
  }

  weightOffset(l: number): number {
    return this.weightOffsets[l] as number;
  }
  biasOffset(l: number): number {
    return this.weightOffset(l) + this.outOf(l) * this.inOf(l);
  }

  actOffset(l: number, B: number): number {
    let offset = B * this.inputSize;
    for (let i = 0; i < l; i++) offset += 2 * B * this.outOf(i);
    return offset;
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
