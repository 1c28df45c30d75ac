#include "gemm.h"

#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <new>
#include <vector>

#include "blas.h"

namespace {

// OpenBLAS 0.3.21 runs these on one thread whatever its count (gemm.h): nothing to choose.
constexpr double kGemvOneThread = 2304.0 * 4;   // M·N
constexpr int kTimings = 3;                     // timed calls per setting
constexpr int kGemv = 4;                        // Shape::form of a GEMV (GEMMs: 0..3, the trans bits)

struct Shape {
  int M, N, K, form;
  bool operator==(const Shape& o) const { return M == o.M && N == o.N && K == o.K && form == o.form; }
};

struct Choice {
  Shape shape;
  bool used;
  bool timing;    // a call is timing it now; others of the shape wait for its choice
  int threads;    // 0 until chosen
  double best[2]; // the best time at one thread and at the maximum
};

std::mutex lock;                 // everything below
std::condition_variable changed; // a timing ended
Choice table[kGemmShapes];
int initial_threads = 0;  // OpenBLAS's own count at load; 0 until first read
int max_threads = 0;
bool automatic = true;

int max_locked() {
  if (initial_threads == 0) initial_threads = max_threads = openblas_get_num_threads();
  return max_threads;
}

Choice* find_locked(const Shape& s) {
  unsigned h = (unsigned)s.M * 73856093u ^ (unsigned)s.N * 19349663u ^ (unsigned)s.K * 83492791u ^ (unsigned)s.form;
  for (int probe = 0; probe < kGemmShapes; probe++) {
    Choice* c = &table[(h + probe) % kGemmShapes];
    if (!c->used) {
      *c = Choice{s, true, false, 0, {0, 0}};
      return c;
    }
    if (c->shape == s) return c;
  }
  return nullptr;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The thread count a call of this shape runs at (0: leave OpenBLAS's count as it is). In the
// automatic mode the first call of a shape times `probe` (the same product into a scratch
// output of `scratch` floats) at one thread and at the maximum, alternating, and records the
// faster; calls of the shape that arrive meanwhile wait for that choice.
template <typename Probe>
int threads_for(const Shape& s, double work, double one_thread, long scratch, Probe probe) {
  // No lock for products OpenBLAS keeps on one thread (all of the tiny networks').
  if (work <= one_thread) return 0;
  std::unique_lock<std::mutex> guard(lock);
  int max;
  Choice* c;
  for (;;) {
    max = max_locked();
    c = automatic && max > 1 ? find_locked(s) : nullptr;
    if (c == nullptr) return max;  // a fixed count, one thread at most, or a full table
    if (!c->timing) break;
    changed.wait(guard);  // then look again: the mode may have been set meanwhile
  }
  if (c->threads > 0) return c->threads;
  c->timing = true;
  guard.unlock();
  double best[2] = {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  bool timed = false;
  try {
    std::vector<float> out(scratch);  // once per shape and process
    for (int i = 0; i < 2 * kTimings; i++) {
      int slot = i % 2;
      openblas_set_num_threads(slot == 0 ? 1 : max);
      auto start = std::chrono::steady_clock::now();
      probe(out.data());
      double seconds = seconds_since(start);
      if (seconds < best[slot]) best[slot] = seconds;
    }
    timed = true;
  } catch (const std::bad_alloc&) {
    // No room for the scratch output: run at the maximum, untimed.
  }
  guard.lock();
  c->threads = !timed || best[1] < best[0] ? max : 1;  // max: the automatic mode's, initial_threads
  c->best[0] = best[0];
  c->best[1] = best[1];
  c->timing = false;
  changed.notify_all();
  return c->threads;
}

void use_threads(int threads) {
  if (threads > 0 && openblas_get_num_threads() != threads) openblas_set_num_threads(threads);
}

}  // namespace

void sgemm(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a, bool trans_b,
           int lda, int ldb, float beta) {
  CBLAS_TRANSPOSE op_a = trans_a ? CblasTrans : CblasNoTrans, op_b = trans_b ? CblasTrans : CblasNoTrans;
  Shape shape{M, N, K, (trans_a ? 1 : 0) | (trans_b ? 2 : 0)};
  use_threads(threads_for(shape, (double)M * N * K, kGemmOneThreadWork, (long)M * N, [&](float* out) {
    cblas_sgemm(CblasRowMajor, op_a, op_b, M, N, K, 1.0f, a, lda, b, ldb, 0.0f, out, N);
  }));
  cblas_sgemm(CblasRowMajor, op_a, op_b, M, N, K, 1.0f, a, lda, b, ldb, beta, c, N);
}

void sgemv(float* y, const float* a, const float* x, int M, int N) {
  use_threads(threads_for(Shape{M, N, 1, kGemv}, (double)M * N, kGemvOneThread, M, [&](float* out) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, M, N, 1.0f, a, N, x, 1, 0.0f, out, 1);
  }));
  cblas_sgemv(CblasRowMajor, CblasNoTrans, M, N, 1.0f, a, N, x, 1, 1.0f, y, 1);
}

void gemm_set_threads(int threads) {
  std::lock_guard<std::mutex> guard(lock);
  max_locked();
  automatic = threads <= 0;
  max_threads = automatic ? initial_threads : threads;
  openblas_set_num_threads(max_threads);
}

int gemm_max_threads() {
  std::lock_guard<std::mutex> guard(lock);
  return max_locked();
}

bool gemm_automatic_threads() {
  std::lock_guard<std::mutex> guard(lock);
  return automatic;
}

int gemm_choices(GemmChoice* out, int capacity) {
  std::lock_guard<std::mutex> guard(lock);
  int n = 0;
  for (const Choice& c : table) {
    if (!c.used || c.threads == 0 || n == capacity) continue;
    const Shape& s = c.shape;
    // kGemv has neither trans bit set.
    out[n++] = GemmChoice{s.M, s.N, s.K, s.form == kGemv, (s.form & 1) != 0, (s.form & 2) != 0,
                          c.threads, c.best[0], c.best[1]};
  }
  return n;
}

void sgemm_repeat(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a,
                  bool trans_b, int iterations) {
  for (int i = 0; i < iterations; i++)
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, a, trans_a ? M : K, b,
                trans_b ? K : N, 0.0f, c, N);
}
