// Matrix products too small for BLAS. Below some ten thousand multiply-adds OpenBLAS
// spends more on each call (argument checks, its buffer pool's lock, packing both operands into
// its blocked layout) than on the arithmetic: for the tiny networks that was ~45% of a training
// step. These loops keep a 4 × 8 block of the result in registers and stream the operands
// straight from where they lie. Each result element is summed over k in order, starting from
// its initial value, so the result does not depend on the vector width the CPU offers.
#pragma once

// Whether a dense layer's forward pass (C inputs, OC outputs) runs here: by the layer's shape
// alone, never the row count, so a row's output is the same whichever rows share its call
// (predict's chunks, predictAsync's and evaluate's batch sizes).
bool small_forward_fits(int C, int OC);

// Whether a backward product of M × K by K × N runs here.
bool small_gemm_fits(int M, int N, int K);

// c (M, N) = init + a · b, row-major, where init is
//   bias (N,) broadcast to every row, when bias is non-null;
//   else c itself, when accumulate;
//   else 0.
// a: element (m, k) at a[m * a_row + k * a_col] (a_row = K, a_col = 1 for a row-major (M, K);
//    a_row = 1, a_col = M for the transpose of a row-major (K, M))
// b: (K, N) row-major
void small_gemm(float* c, const float* a, long a_row, long a_col, const float* b, const float* bias,
                bool accumulate, int M, int N, int K);

// t (C, R) = wᵀ for w (R, C), both row-major: the forward pass reads Wᵀ row by row.
void small_transpose(float* t, const float* w, int R, int C);

// The largest weight matrix (rows × columns) the forward pass transposes, on the stack.
constexpr int kSmallWeights = 256;
