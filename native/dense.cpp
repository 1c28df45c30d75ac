#include "dense.h"

#include <cstring>

#include "gemm.h"
#include "small_gemm.h"

void dense_forward(float* y, const float* x, const float* weight, const float* bias, int B, int C,
                   int OC) {
  if (small_forward_fits(C, OC)) {
    // Too small for BLAS (small_gemm.h): y = b + x · Wᵀ in one pass over a copy of Wᵀ.
    float weight_t[kSmallWeights];  // (C, OC)
    small_transpose(weight_t, weight, OC, C);
    small_gemm(y, x, C, 1, weight_t, bias, false, B, OC, C);
    return;
  }
  // Broadcast the bias into every row, then let one GEMM add x · Wᵀ on top (beta = 1).
  for (int b = 0; b < B; b++) std::memcpy(y + (long)b * OC, bias, sizeof(float) * OC);
  if (B == 1) {
    // One row (a single prediction): y += W · x as a GEMV. sgemm would first pack all of W into
    // its blocked layout, a copy of the whole matrix that costs more than the product itself.
    sgemv(y, weight, x, OC, C);
    return;
  }
  sgemm(y, x, weight, B, OC, C, false, true, C, C, 1.0f);
}

void dense_backward(float* dx, float* dweight, float* dbias, const float* dy, const float* x,
                    const float* weight, int B, int C, int OC) {
  // dW (OC, C) += dyᵀ (OC, B) · x (B, C)
  if (small_gemm_fits(OC, C, B)) small_gemm(dweight, dy, 1, OC, x, nullptr, true, OC, C, B);
  else sgemm(dweight, dy, x, OC, C, B, true, false, OC, C, 1.0f);
  // db += column sums of dy: a plain loop streams dy once, cheaper than a GEMV with a ones vector.
  for (int b = 0; b < B; b++) {
    const float* row = dy + (long)b * OC;
    for (int o = 0; o < OC; o++) dbias[o] += row[o];
  }
  // dx (B, C) = dy (B, OC) · W (OC, C)
  if (dx == nullptr) return;
  if (small_gemm_fits(B, C, OC)) small_gemm(dx, dy, OC, 1, weight, nullptr, false, B, C, OC);
  else sgemm(dx, dy, weight, B, C, OC, false, false, OC, C, 0.0f);
}
