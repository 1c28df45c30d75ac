// The network's matrix products, through OpenBLAS, each at the thread count chosen for its shape.
//
// OpenBLAS 0.3.21 has one process-wide thread count. It already runs a GEMM on one thread when
// M·N·K ≤ 65536·4 (interface/gemm.c) and a GEMV when M·N < 2304·4 (interface/gemv.c); above
// that it splits every call over all its threads, and two threads lose to one on some shapes
// (a few dozen rows, a narrow output, or a second core busy with something else). So in the
// automatic mode (the default) the first call of each larger shape first times it on a scratch
// output, alternating one thread and the maximum three times each, and that call and every later
// one of the shape run at the faster (by its best time). A choice is made once per shape and
// process and kept (through any change of mode), because the thread count changes the last bits
// of OpenBLAS's sums: a program gets the same results each time it runs the same calls. The
// choices live in a small process-wide table behind a mutex; only shapes past OpenBLAS's limits
// reach it, each call of which costs microseconds at least. A fixed count (gemm_set_threads(n))
// turns all of this off: every call then runs with n threads, OpenBLAS's limits aside.
#pragma once

// OpenBLAS 0.3.21 runs a GEMM on one thread whatever its count when M·N·K is at most this
// (SMP_THRESHOLD_MIN 65536 × GEMM_MULTITHREAD_THRESHOLD 4, interface/gemm.c).
constexpr double kGemmOneThreadWork = 65536.0 * 4;

// c (M, N) = op(a) · op(b) + beta · c, row-major; op transposes when asked.
// a: (M, K), or (K, M) when trans_a; lda its row length
// b: (K, N), or (N, K) when trans_b; ldb its row length
void sgemm(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a, bool trans_b,
           int lda, int ldb, float beta);

// y (M,) += a (M, N) · x (N,), a row-major
void sgemv(float* y, const float* a, const float* x, int M, int N);

// threads ≥ 1: every call at that count. 0: automatic (the default), up to the count OpenBLAS
// started with (all cores, or OPENBLAS_NUM_THREADS), with the choices made so far.
void gemm_set_threads(int threads);
// The count every call runs at, or in the automatic mode the most a call may use.
int gemm_max_threads();
bool gemm_automatic_threads();

// One shape's choice as the table holds it.
struct GemmChoice {
  int M, N, K;     // K is 1 for a GEMV (M, N)
  bool gemv;
  bool trans_a, trans_b;
  int threads;
  double best_one, best_max;  // the best time of each setting (seconds)
};

// Copies up to `capacity` of the table's shapes into out; returns how many it copied.
int gemm_choices(GemmChoice* out, int capacity);
constexpr int kGemmShapes = 256;  // shapes remembered; more run at the maximum

// c (M, N) = op(a) · op(b), repeated `iterations` times at OpenBLAS's current thread count: the
// benchmark's probe of this machine's GEMM throughput at a step's exact shapes.
void sgemm_repeat(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a,
                  bool trans_b, int iterations);
