// Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, exactly as
// torch.optim.SGD documents them (native/sgd.h has the update rule).
import { InvalidArgumentError } from '../errors';
import { OPT_SGD, SGD_DAMPENING, SGD_LR, SGD_MOMENTUM, SGD_NESTEROV, SGD_WEIGHT_DECAY } from './kinds';
import { Optimizer, type ClipOptions, type HyperSpec } from './optimizer';

export interface SGDOptions extends ClipOptions {
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

const SPECS: readonly HyperSpec[] = [
  { name: 'lr', slot: SGD_LR, default: 0.001 },
  { name: 'momentum', slot: SGD_MOMENTUM, default: 0 },
  { name: 'dampening', slot: SGD_DAMPENING, default: 0, range: 'any' },
  { name: 'weightDecay', slot: SGD_WEIGHT_DECAY, default: 0 },
  { name: 'nesterov', slot: SGD_NESTEROV, default: false },
];

export class SGD extends Optimizer {
  readonly kind = OPT_SGD;
  readonly type = 'sgd';

  constructor(options: SGDOptions = {}) {
    super(SPECS, ['momentumBuffer'], options, 'SGD options');
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

  protected override checkOptions(o: Readonly<Record<string, number | boolean>>): void {
    if (o.nesterov === true && ((o.momentum as number) <= 0 || o.dampening !== 0)) {
      throw new InvalidArgumentError(
        `Nesterov momentum requires momentum > 0 and dampening 0 but received momentum ${o.momentum} and dampening ${o.dampening}`,
      );
    }
  }
}
