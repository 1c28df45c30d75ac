// Layers as the user builds them. A Dense layer owns no memory: once its model is built, its
// weight and bias are subarray views into model.params (and the gradients into model.grads).
import { InvalidArgumentError } from './errors';
import { ACTIVATIONS, type ActivationName, type LayerShape } from './layout';
import type { Random } from './random';
import { finiteNumber, oneOf, positiveInteger, readOptions } from './validate';

export interface DenseOptions {
  /** Default 'linear'. */
  activation?: ActivationName;
  /** Negative-side slope of leakyRelu, ≥ 0. Default 0.01 (PyTorch's and Keras's). */
  leakyReluAlpha?: number;
}

interface Views {
  weight: Float32Array;
  bias: Float32Array;
  weightGrad: Float32Array;
  biasGrad: Float32Array;
  inputSize: number;
}

export class Dense implements LayerShape {
  readonly kind = 'dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly leakyReluAlpha: number;
  private views: Views | undefined;

  constructor(units: number, options: DenseOptions = {}) {
    this.units = positiveInteger('units', units);
    const o = readOptions('Dense options', options, ['activation', 'leakyReluAlpha']);
    this.activation = oneOf('activation', o.activation ?? 'linear', ACTIVATIONS);
    this.leakyReluAlpha = finiteNumber('leakyReluAlpha', o.leakyReluAlpha ?? 0.01, 0);
  }

  /** Weight matrix (units × inputSize, row-major), a view into the model's params. */
  get weight(): Float32Array {
    return this.bound().weight;
  }
  /** Bias (units), a view into the model's params. */
  get bias(): Float32Array {
    return this.bound().bias;
  }
  /** ∂loss/∂weight, a view into the model's grads. */
  get weightGrad(): Float32Array {
    return this.bound().weightGrad;
  }
  /** ∂loss/∂bias, a view into the model's grads. */
  get biasGrad(): Float32Array {
    return this.bound().biasGrad;
  }
  get inputSize(): number {
    return this.bound().inputSize;
  }

  /**
   * Weight initialisation, seeded. ReLU-family layers use He (Kaiming) uniform,
   * U(±√(6/in)); the others Glorot (Xavier) uniform, U(±√(6/(in+out))). Biases start at 0.
   * @internal
   */
  initialize(random: Random): void {
    const { weight, bias, inputSize } = this.bound();
    const heFamily = this.activation === 'relu' || this.activation === 'leakyRelu';
    const limit = Math.sqrt(6 / (heFamily ? inputSize : inputSize + this.units));
    for (let i = 0; i < weight.length; i++) weight[i] = random.uniform(limit);
    bias.fill(0);
  }

  /** Whether a model owns this layer. @internal */
  get isBound(): boolean {
    return this.views !== undefined;
  }

  /** Called once, by the model that owns this layer (it checks isBound first). @internal */
  bind(views: Views): void {
    this.views = views;
  }

  private bound(): Views {
    if (this.views === undefined) {
      throw new InvalidArgumentError('This Dense layer is not part of a model yet; pass it to new Sequential({ layers })');
    }
    return this.views;
  }
}

/**
 * Inverted dropout: in training each unit of its input is zeroed with probability `rate` and the
 * others scaled by 1 / (1 − rate); in predict and evaluate it is the identity. Its masks come from
 * a counter-based generator keyed by the model's seed, the optimizer step, the layer and the
 * unit (native/dropout.h), so both backends draw the same masks and thread count never matters.
 */
export class Dropout {
  readonly kind = 'dropout';
  readonly rate: number;
  readonly activation = 'linear';
  readonly leakyReluAlpha = 0;
  private size: number | undefined;

  constructor(rate: number) {
    this.rate = finiteNumber('rate', rate, 0, 1);
    if (this.rate === 1) throw new InvalidArgumentError('Expected rate in [0, 1) for Dropout but received 1: it would drop every unit');
  }

  /** Units in and out: the size of the layer before it. */
  get units(): number {
    if (this.size === undefined) throw new InvalidArgumentError('This Dropout layer is not part of a model yet; pass it to new Sequential({ layers })');
    return this.size;
  }

  /** Whether a model owns this layer. @internal */
  get isBound(): boolean {
    return this.size !== undefined;
  }

  /** Called once, by the model that owns this layer. @internal */
  bind(units: number): void {
    this.size = units;
  }
}

export type Layer = Dense | Dropout;
