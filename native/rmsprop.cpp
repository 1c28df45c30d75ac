#include "rmsprop.h"

#include <cmath>

void rmsprop_step(float* params, float* square_avg, float* momentum, float* grad_avg,
                  const float* grads, int n, const RmspropOptions& o) {
  for (int i = 0; i < n; i++) {
    float g = o.grad_scale * grads[i] + o.weight_decay * params[i];
    float s = square_avg[i] = o.rho * square_avg[i] + (1.0f - o.rho) * g * g;
    if (o.centered) {
      float a = grad_avg[i] = o.rho * grad_avg[i] + (1.0f - o.rho) * g;
      s -= a * a;
    }
    float d = std::sqrt(s) + o.eps;
    if (o.momentum > 0.0f) {
      float b = momentum[i] = o.momentum * momentum[i] + g / d;
      params[i] -= o.lr * b;
    } else {
      params[i] -= o.lr * g / d;
    }
  }
}
