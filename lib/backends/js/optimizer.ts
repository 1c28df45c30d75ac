// Plain-TypeScript twin of native/optimizer.cpp: dispatch on the optimizer kind.
import type { OptimizerRef } from '../../backend';
import * as k from '../../optim/kinds';
import { adamStep, rmspropStep, sgdStep, type Floats } from './kernels';

export function optimizerStep(opt: OptimizerRef, step: number, params: Floats, grads: Floats): void {
  const h = opt.hyper;
  const n = params.length;
  const block = (i: number) => opt.state.subarray(i * n, (i + 1) * n);
  switch (opt.kind) {
    case k.OPT_SGD: {
      const o = { lr: h[k.SGD_LR]!, momentum: h[k.SGD_MOMENTUM]!, dampening: h[k.SGD_DAMPENING]!, weightDecay: h[k.SGD_WEIGHT_DECAY]!, nesterov: h[k.SGD_NESTEROV] !== 0 };
      sgdStep(params, block(0), grads, o, step === 0);
      return;
    }
    case k.OPT_ADAM:
    case k.OPT_ADAMW: {
      const o = {
        lr: h[k.ADAM_LR]!, beta1: h[k.ADAM_BETA1]!, beta2: h[k.ADAM_BETA2]!, eps: h[k.ADAM_EPS]!,
        weightDecay: h[k.ADAM_WEIGHT_DECAY]!, amsgrad: h[k.ADAM_AMSGRAD] !== 0, decoupled: opt.kind === k.OPT_ADAMW,
      };
      adamStep(params, block(0), block(1), block(2), grads, o, step + 1);
      return;
    }
    case k.OPT_RMSPROP: {
      const o = {
        lr: h[k.RMSPROP_LR]!, rho: h[k.RMSPROP_RHO]!, eps: h[k.RMSPROP_EPS]!, weightDecay: h[k.RMSPROP_WEIGHT_DECAY]!,
        momentum: h[k.RMSPROP_MOMENTUM]!, centered: h[k.RMSPROP_CENTERED] !== 0,
      };
      rmspropStep(params, block(0), block(1), block(2), grads, o);
      return;
    }
  }
}
