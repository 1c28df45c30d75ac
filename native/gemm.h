// A bare sgemm, exposed only so the benchmark can measure this machine's GEMM throughput at
// the exact shapes a training step runs (the "GEMM-only bound").
#pragma once

// c (M, N) = op(a) · op(b), repeated `iterations` times; op transposes when asked.
// a: (M, K), or (K, M) when trans_a
// b: (K, N), or (N, K) when trans_b
void sgemm_repeat(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a,
                  bool trans_b, int iterations);
