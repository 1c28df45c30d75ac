// Adam and AdamW, exactly as torch.optim.Adam and torch.optim.AdamW document them
// (native/adam.h has the update rule). They differ only in how weight decay applies.
import { ADAM_AMSGRAD, ADAM_BETA1, ADAM_BETA2, ADAM_EPS, ADAM_LR, ADAM_WEIGHT_DECAY, OPT_ADAM, OPT_ADAMW } from './kinds';
import { Optimizer, type ClipOptions, type HyperSpec } from './optimizer';

export interface AdamOptions extends ClipOptions {
  /** Learning rate γ ≥ 0. Default 0.001. */
  lr?: number;
  /** Decay of the first-moment average, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to the denominator for stability. Default 1e-8. */
  eps?: number;
  /** Weight decay λ ≥ 0: Adam adds λ·θ to the gradient (default 0); AdamW decays θ directly (default 0.01). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (AMSGrad). Default false. */
  amsgrad?: boolean;
}

function specs(weightDecay: number): readonly HyperSpec[] {
  return [
    { name: 'lr', slot: ADAM_LR, default: 0.001 },
    { name: 'beta1', slot: ADAM_BETA1, default: 0.9, range: 'unit' },
    { name: 'beta2', slot: ADAM_BETA2, default: 0.999, range: 'unit' },
    { name: 'eps', slot: ADAM_EPS, default: 1e-8 },
    { name: 'weightDecay', slot: ADAM_WEIGHT_DECAY, default: weightDecay },
    { name: 'amsgrad', slot: ADAM_AMSGRAD, default: false },
  ];
}

const STATE = ['expAvg', 'expAvgSq', 'maxExpAvgSq'];

export class Adam extends Optimizer {
  readonly kind = OPT_ADAM;
  readonly type = 'adam';

  constructor(options: AdamOptions = {}) {
    super(specs(0), STATE, options, 'Adam options');
  }
}

export class AdamW extends Optimizer {
  readonly kind = OPT_ADAMW;
  readonly type = 'adamw';

  constructor(options: AdamOptions = {}) {
    super(specs(0.01), STATE, options, 'AdamW options');
  }
}
