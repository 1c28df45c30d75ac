#include "small_gemm.h"

#include <cstring>

// x86-64: the loops are compiled twice and the loader picks once per process (GCC's
// target_clones, an ifunc): AVX2 where the CPU has it, else the SSE2 every x86-64 has. Elsewhere
// (arm64: NEON) the compiler's default target. Results are the same either way (the sums run in
// the same order, and ISO C++ mode contracts no multiply-add into an FMA).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SMALL_GEMM_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SMALL_GEMM_CLONES
#endif
#define SMALL_GEMM_INLINE __attribute__((always_inline)) inline
// The 32-byte vectors only ever live inside one function (everything below is always inlined),
// so GCC's note that passing them without AVX changes the ABI does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace {

// Multiply-adds up to which a backward product runs here. Timed against OpenBLAS 0.3.21 on one
// thread (Zen 4, AVX2 clone): 2–3.7× faster at ~1,000 (the tiny networks), 1.3–2× at
// 4,096–8,192, even on the whole at 16,384, up to 1.2× slower in the weight gradient at 32,768.
constexpr long kSmallWork = 16384;

typedef float v8 __attribute__((vector_size(32)));
typedef float v4 __attribute__((vector_size(16)));

template <typename V>
SMALL_GEMM_INLINE V load(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <typename V>
SMALL_GEMM_INLINE void store(float* p, V v) {
  std::memcpy(p, &v, sizeof v);
}

// c rows [0, R) × columns [n, n + width of V): R accumulators of one V each, in registers.
template <typename V, int R>
SMALL_GEMM_INLINE void block(float* c, const float* a, long a_row, long a_col, const float* b,
                             const float* bias, bool accumulate, int N, int K, int n) {
  V s[R];
  for (int r = 0; r < R; r++)
    s[r] = bias != nullptr ? load<V>(bias + n) : accumulate ? load<V>(c + (long)r * N + n) : V{};
  for (int k = 0; k < K; k++) {
    const V bk = load<V>(b + (long)k * N + n);
    const float* ak = a + k * a_col;
    for (int r = 0; r < R; r++) s[r] += ak[r * a_row] * bk;
  }
  for (int r = 0; r < R; r++) store<V>(c + (long)r * N + n, s[r]);
}

// Rows [0, R) of c, every column: 8 at a time, then 4, then one by one.
template <int R>
SMALL_GEMM_INLINE void rows(float* c, const float* a, long a_row, long a_col, const float* b,
                            const float* bias, bool accumulate, int N, int K) {
  int n = 0;
  for (; n + 8 <= N; n += 8) block<v8, R>(c, a, a_row, a_col, b, bias, accumulate, N, K, n);
  if (n + 4 <= N) {
    block<v4, R>(c, a, a_row, a_col, b, bias, accumulate, N, K, n);
    n += 4;
  }
  for (; n < N; n++) block<float, R>(c, a, a_row, a_col, b, bias, accumulate, N, K, n);
}

}  // namespace

// The forward pass, timed the same way: with at most 256 weights it is 1.1–1.4× faster than
// OpenBLAS at 16 rows and even at 1,024 (0.7× at 4 × 16). Fewer than 4 outputs leave the
// vectors empty (each output column on its own is 1.1–2.3× slower), so those go to OpenBLAS.
bool small_forward_fits(int C, int OC) { return OC >= 4 && (long)C * OC <= kSmallWeights; }

bool small_gemm_fits(int M, int N, int K) { return (long)M * N * K <= kSmallWork; }

SMALL_GEMM_CLONES
void small_gemm(float* c, const float* a, long a_row, long a_col, const float* b, const float* bias,
                bool accumulate, int M, int N, int K) {
  int m = 0;
  for (; m + 4 <= M; m += 4)
    rows<4>(c + (long)m * N, a + m * a_row, a_row, a_col, b, bias, accumulate, N, K);
  for (; m < M; m++) rows<1>(c + (long)m * N, a + m * a_row, a_row, a_col, b, bias, accumulate, N, K);
}

void small_transpose(float* t, const float* w, int R, int C) {
  for (int r = 0; r < R; r++)
    for (int c = 0; c < C; c++) t[(long)c * R + r] = w[(long)r * C + c];
}
