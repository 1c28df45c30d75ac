#include "optimizer.h"

#include "sgd.h"

int optimizer_hyper_count(int kind) {
  switch (kind) {
    case OPT_SGD: return SGD_HYPER_COUNT;
  }
  return 0;
}

int optimizer_state_count(int kind) {
  switch (kind) {
    case OPT_SGD: return 1;  // momentum buffer
  }
  return 0;
}

void optimizer_step(float* params, const float* grads, int n, Optimizer& opt) {
  switch (opt.kind) {
    case OPT_SGD: {
      SgdOptions o{(float)opt.hyper[SGD_LR], (float)opt.hyper[SGD_MOMENTUM],
                   (float)opt.hyper[SGD_DAMPENING], (float)opt.hyper[SGD_WEIGHT_DECAY],
                   opt.hyper[SGD_NESTEROV] != 0.0};
      sgd_step(params, opt.state, grads, n, o, opt.step == 0);
      break;
    }
  }
  opt.step++;
}
