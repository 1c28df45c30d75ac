#include "clip.h"

#include "blas.h"

double clip_gradients(float* grads, int n, double max_norm, double max_value) {
  double norm = cblas_snrm2(n, grads, 1);
  if (max_norm > 0) {
    double coefficient = max_norm / (norm + 1e-6);
    if (coefficient < 1.0) cblas_sscal(n, (float)coefficient, grads, 1);
  }
  if (max_value > 0) {
    float v = (float)max_value;
    for (int i = 0; i < n; i++) grads[i] = grads[i] > v ? v : (grads[i] < -v ? -v : grads[i]);
  }
  return norm;
}
