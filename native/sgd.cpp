#include "sgd.h"

#include "blas.h"

// Every term is a whole-vector BLAS level-1 call. The decayed gradient g = ∇ + λ·θ is never
// stored: its two parts are added separately, so no scratch vector is needed and the user's
// gradient buffer stays as backward left it.
void sgd_step(float* params, float* momentum, const float* grads, int n, const SgdOptions& o,
              bool first_step) {
  float decay = 1.0f - o.lr * o.weight_decay;  // θ − γλθ = (1 − γλ)·θ
  float c = o.grad_scale;
  if (o.momentum == 0.0f) {
    if (o.weight_decay != 0.0f) cblas_sscal(n, decay, params, 1);
    cblas_saxpy(n, -o.lr * c, grads, 1, params, 1);
    return;
  }
  if (first_step) {
    cblas_scopy(n, grads, 1, momentum, 1);
    if (c != 1.0f) cblas_sscal(n, c, momentum, 1);
    if (o.weight_decay != 0.0f) cblas_saxpy(n, o.weight_decay, params, 1, momentum, 1);
  } else {
    float keep = 1.0f - o.dampening;
    cblas_sscal(n, o.momentum, momentum, 1);
    cblas_saxpy(n, keep * c, grads, 1, momentum, 1);
    if (o.weight_decay != 0.0f) cblas_saxpy(n, keep * o.weight_decay, params, 1, momentum, 1);
  }
  if (o.nesterov) {
    if (o.weight_decay != 0.0f) cblas_sscal(n, decay, params, 1);
    cblas_saxpy(n, -o.lr * c, grads, 1, params, 1);
    cblas_saxpy(n, -o.lr * o.momentum, momentum, 1, params, 1);
  } else {
    cblas_saxpy(n, -o.lr, momentum, 1, params, 1);
  }
}
