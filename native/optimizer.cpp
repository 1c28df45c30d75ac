#include "optimizer.h"

#include "adam.h"
#include "rmsprop.h"
#include "sgd.h"

int optimizer_hyper_count(int kind) {
  switch (kind) {
    case OPT_SGD: return SGD_HYPER_COUNT;
    case OPT_ADAM:
    case OPT_ADAMW: return ADAM_HYPER_COUNT;
    case OPT_RMSPROP: return RMSPROP_HYPER_COUNT;
  }
  return 0;
}

int optimizer_state_count(int kind) {
  switch (kind) {
    case OPT_SGD: return 1;      // momentum buffer
    case OPT_ADAM:
    case OPT_ADAMW: return 3;    // exp_avg, exp_avg_sq, max_exp_avg_sq
    case OPT_RMSPROP: return 3;  // square_avg, momentum buffer, grad_avg
  }
  return 0;
}

int optimizer_momentum_slot(int kind) {
  switch (kind) {
    case OPT_SGD: return SGD_MOMENTUM;
    case OPT_ADAM:
    case OPT_ADAMW: return ADAM_BETA1;
    case OPT_RMSPROP: return RMSPROP_MOMENTUM;
  }
  return SGD_MOMENTUM;
}

void optimizer_step(float* params, const float* grads, int n, Optimizer& opt) {
  const double* h = opt.hyper;
  float* state = opt.state;
  switch (opt.kind) {
    case OPT_SGD: {
      SgdOptions o{(float)h[SGD_LR], (float)h[SGD_MOMENTUM], (float)h[SGD_DAMPENING],
                   (float)h[SGD_WEIGHT_DECAY], h[SGD_NESTEROV] != 0.0, opt.grad_scale};
      sgd_step(params, state, grads, n, o, opt.step == 0);
      break;
    }
    case OPT_ADAM:
    case OPT_ADAMW: {
      AdamOptions o{(float)h[ADAM_LR], (float)h[ADAM_BETA1], (float)h[ADAM_BETA2], (float)h[ADAM_EPS],
                    (float)h[ADAM_WEIGHT_DECAY], h[ADAM_AMSGRAD] != 0.0, opt.kind == OPT_ADAMW,
                    opt.grad_scale};
      adam_step(params, state, state + n, state + 2L * n, grads, n, o, opt.step + 1);
      break;
    }
    case OPT_RMSPROP: {
      RmspropOptions o{(float)h[RMSPROP_LR], (float)h[RMSPROP_RHO], (float)h[RMSPROP_EPS],
                       (float)h[RMSPROP_WEIGHT_DECAY], (float)h[RMSPROP_MOMENTUM],
                       h[RMSPROP_CENTERED] != 0.0, opt.grad_scale};
      rmsprop_step(params, state, state + n, state + 2L * n, grads, n, o);
      break;
    }
  }
  opt.step++;
}
