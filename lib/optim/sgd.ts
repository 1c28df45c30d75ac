// Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, exactly as
// torch.optim.SGD documents them (native/sgd.h has the update rule).
import { InvalidArgumentError } from '../errors';
import { boolean, finiteNumber, knownKeys, plainObject } from '../validate';
import { OPT_SGD, SGD_DAMPENING, SGD_HYPER_COUNT, SGD_MOMENTUM, SGD_NESTEROV, SGD_WEIGHT_DECAY } from './kinds';
import { Optimizer } from './optimizer';

export interface SGDOptions {
  /** Learning rate γ ≥ 0. Default 0.001 (PyTorch's). */
  lr?: number;
  /** Momentum factor μ ≥ 0. Default 0. */
  momentum?: number;
  /** Dampening τ for momentum. Default 0. */
  dampening?: number;
  /** L2 penalty λ ≥ 0, added to the gradient. Default 0. */
  weightDecay?: number;
  /** Nesterov momentum; needs momentum > 0 and dampening 0. Default false. */
  nesterov?: boolean;
}

const OPTION_NAMES = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov'] as const;

export class SGD extends Optimizer {
  readonly kind = OPT_SGD;
  readonly type = 'sgd';

  constructor(options: SGDOptions = {}) {
    super(SGD_HYPER_COUNT);
    this.setOptions(options as Record<string, unknown>);
  }

  get momentum(): number {
    return this.hyper[SGD_MOMENTUM] as number;
  }
  get dampening(): number {
    return this.hyper[SGD_DAMPENING] as number;
  }
  get weightDecay(): number {
    return this.hyper[SGD_WEIGHT_DECAY] as number;
  }
  get nesterov(): boolean {
    return this.hyper[SGD_NESTEROV] !== 0;
  }

  protected get stateNames(): readonly string[] {
    return ['momentumBuffer'];
  }

  protected get options(): Record<string, number | boolean> {
    return { lr: this.lr, momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov };
  }

  protected setOptions(options: Record<string, unknown>): void {
    const o = plainObject('SGD options', options);
    knownKeys('SGD options', o, OPTION_NAMES);
    const lr = finiteNumber('lr', o.lr ?? 0.001, 0);
    const momentum = finiteNumber('momentum', o.momentum ?? 0, 0);
    const dampening = finiteNumber('dampening', o.dampening ?? 0);
    const weightDecay = finiteNumber('weightDecay', o.weightDecay ?? 0, 0);
    const nesterov = boolean('nesterov', o.nesterov ?? false);
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new InvalidArgumentError(
        `Nesterov momentum requires momentum > 0 and dampening 0 but received momentum ${momentum} and dampening ${dampening}`,
      );
    }
    this.lr = lr;
    this.hyper[SGD_MOMENTUM] = momentum;
    this.hyper[SGD_DAMPENING] = dampening;
    this.hyper[SGD_WEIGHT_DECAY] = weightDecay;
    this.hyper[SGD_NESTEROV] = nesterov ? 1 : 0;
  }
}
