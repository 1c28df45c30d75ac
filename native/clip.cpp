#include "clip.h"

#include <cmath>

#include "blas.h"

// On x86-64 glibc the loop below is also compiled for AVX2 and picked at load time (an ifunc):
// the prebuild targets baseline x86-64, and the norm is read once per batch over every
// gradient, where 8-wide lanes halve its cost. Elsewhere (musl, macOS, arm64) one version.
#if defined(__x86_64__) && defined(__GLIBC__)
#define MULTIVERSIONED __attribute__((target_clones("avx2", "default")))
#else
#define MULTIVERSIONED
#endif

typedef float float8 __attribute__((vector_size(32)));

// Σ x² over x (n,): each block of 4096 summed in 32 float lanes of 128 terms (relative error
// at most 128·2⁻²⁴ ≈ 8e-6, far less in practice), the blocks in double. cblas_snrm2 rescales
// // as it goes to avoid overflow and takes about twice the time, so it is kept for the one case
// where a float lane overflows (a gradient beyond ~1.8e19, still finite).
MULTIVERSIONED static double sum_squares(const float* x, long n) {
  double total = 0.0;
  long i = 0;
  for (; i + 4096 <= n; i += 4096) {
    float8 a0 = {}, a1 = {}, a2 = {}, a3 = {};
    for (long j = i; j < i + 4096; j += 32) {
      float8 x0, x1, x2, x3;
      __builtin_memcpy(&x0, x + j, sizeof x0);
      __builtin_memcpy(&x1, x + j + 8, sizeof x1);
      __builtin_memcpy(&x2, x + j + 16, sizeof x2);
      __builtin_memcpy(&x3, x + j + 24, sizeof x3);
      a0 += x0 * x0;
      a1 += x1 * x1;
      a2 += x2 * x2;
      a3 += x3 * x3;
    }
    float8 a = (a0 + a1) + (a2 + a3);
    for (int k = 0; k < 8; k++) total += a[k];
  }
  for (; i < n; i++) total += (double)x[i] * x[i];
  return total;
}

double clip_gradients(float* grads, int n, double max_norm, double max_value, float* scale) {
  double squares = sum_squares(grads, n);
  double norm = std::isfinite(squares) ? std::sqrt(squares) : cblas_snrm2(n, grads, 1);
  double coefficient = max_norm > 0 ? max_norm / (norm + 1e-6) : 1.0;
  *scale = coefficient < 1.0 ? (float)coefficient : 1.0f;
  if (max_value > 0) {
    float v = (float)(max_value / *scale);
    for (int i = 0; i < n; i++) grads[i] = grads[i] > v ? v : (grads[i] < -v ? -v : grads[i]);
  }
  return norm;
}

void clip_scale(float* grads, int n, float scale) {
  cblas_sscal(n, scale, grads, 1);
}
