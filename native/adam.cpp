#include "adam.h"

#include <cmath>

// Element-wise maths (square roots and divisions) with no BLAS equivalent: one pass over the
// five vectors, which the compiler vectorises.
void adam_step(float* params, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq,
               const float* grads, int n, const AdamOptions& o, long step) {
  double bias_correction1 = 1.0 - std::pow((double)o.beta1, (double)step);
  double bias_correction2 = 1.0 - std::pow((double)o.beta2, (double)step);
  float step_size = (float)(o.lr / bias_correction1);
  float correction2_sqrt = (float)std::sqrt(bias_correction2);
  float decay = o.decoupled ? 1.0f - o.lr * o.weight_decay : 1.0f;
  float l2 = o.decoupled ? 0.0f : o.weight_decay;
  for (int i = 0; i < n; i++) {
    float p = params[i] * decay;
    float g = o.grad_scale * grads[i] + l2 * params[i];
    float m = exp_avg[i] = o.beta1 * exp_avg[i] + (1.0f - o.beta1) * g;
    float v = exp_avg_sq[i] = o.beta2 * exp_avg_sq[i] + (1.0f - o.beta2) * g * g;
    if (o.amsgrad) v = max_exp_avg_sq[i] = max_exp_avg_sq[i] > v ? max_exp_avg_sq[i] : v;
    params[i] = p - step_size * m / (std::sqrt(v) / correction2_sqrt + o.eps);
  }
}
