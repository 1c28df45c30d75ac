#include "gemm.h"

#include "blas.h"

void sgemm_repeat(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a,
                  bool trans_b, int iterations) {
  for (int i = 0; i < iterations; i++)
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, a, trans_a ? M : K, b,
                trans_b ? K : N, 0.0f, c, N);
}
