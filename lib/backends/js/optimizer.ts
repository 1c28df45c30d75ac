// Plain-TypeScript twin of native/optimizer.cpp: dispatch on the optimizer kind.
import type { OptimizerRef } from '../../backend';
import { OPT_SGD, SGD_DAMPENING, SGD_LR, SGD_MOMENTUM, SGD_NESTEROV, SGD_WEIGHT_DECAY } from '../../optim/kinds';
import { sgdStep, type Floats } from './kernels';

export function optimizerStep(opt: OptimizerRef, params: Floats, grads: Floats): void {
  switch (opt.kind) {
    case OPT_SGD: {
      const h = opt.hyper;
      const options = {
        lr: h[SGD_LR] as number,
        momentum: h[SGD_MOMENTUM] as number,
        dampening: h[SGD_DAMPENING] as number,
        weightDecay: h[SGD_WEIGHT_DECAY] as number,
        nesterov: h[SGD_NESTEROV] !== 0,
      };
      sgdStep(params, opt.state.subarray(0, params.length), grads, options, opt.stepCount === 0);
      return;
    }
  }
}
