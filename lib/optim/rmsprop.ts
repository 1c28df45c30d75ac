// RMSprop, exactly as torch.optim.RMSprop documents it (native/rmsprop.h has the update rule);
// `rho` is PyTorch's `alpha` (Keras's name, which does not clash with leakyRelu's).
import { OPT_RMSPROP, RMSPROP_CENTERED, RMSPROP_EPS, RMSPROP_LR, RMSPROP_MOMENTUM, RMSPROP_RHO, RMSPROP_WEIGHT_DECAY } from './kinds';
import { Optimizer, type ClipOptions, type HyperSpec } from './optimizer';

export interface RMSpropOptions extends ClipOptions {
  /** Learning rate γ ≥ 0. Default 0.01 (PyTorch's). */
  lr?: number;
  /** Decay of the squared-gradient average, in [0, 1). Default 0.99. */
  rho?: number;
  /** Added to the denominator for stability. Default 1e-8. */
  eps?: number;
  /** L2 penalty λ ≥ 0, added to the gradient. Default 0. */
  weightDecay?: number;
  /** Momentum factor ≥ 0. Default 0. */
  momentum?: number;
  /** Normalise by the gradient's variance instead of its second moment. Default false. */
  centered?: boolean;
}

const SPECS: readonly HyperSpec[] = [
  { name: 'lr', slot: RMSPROP_LR, default: 0.01 },
  { name: 'rho', slot: RMSPROP_RHO, default: 0.99, range: 'unit' },
  { name: 'eps', slot: RMSPROP_EPS, default: 1e-8 },
  { name: 'weightDecay', slot: RMSPROP_WEIGHT_DECAY, default: 0 },
  { name: 'momentum', slot: RMSPROP_MOMENTUM, default: 0 },
  { name: 'centered', slot: RMSPROP_CENTERED, default: false },
];

export class RMSprop extends Optimizer {
  readonly kind = OPT_RMSPROP;
  readonly type = 'rmsprop';

  constructor(options: RMSpropOptions = {}) {
    super(SPECS, ['squareAvg', 'momentumBuffer', 'gradAvg'], options, 'RMSprop options');
  }
}
