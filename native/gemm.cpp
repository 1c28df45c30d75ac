#include "gemm.h"

#include <chrono>
#include <limits>
#include <mutex>

#include "blas.h"

namespace {

// OpenBLAS 0.3.21 runs these on one thread whatever its count (gemm.h): nothing to choose.
constexpr double kGemmOneThread = 65536.0 * 4;  // M·N·K
constexpr double kGemvOneThread = 2304.0 * 4;   // M·N
constexpr int kTimings = 3;                     // timed calls per setting
constexpr int kGemv = 4;                        // Shape::form of a GEMV (GEMMs: 0..3, the trans bits)

struct Shape {
  int M, N, K, form;
  bool operator==(const Shape& o) const { return M == o.M && N == o.N && K == o.K && form == o.form; }
};

// One shape's choice. While `threads` is 0 the shape is being timed: slot 0 is one thread,
// slot 1 the maximum.
struct Choice {
  Shape shape;
  bool used;
  int threads;
  long calls_left;
  int timed[2];
  double best[2];
};

std::mutex lock;
Choice table[kGemmShapes];
int initial_threads = 0;  // OpenBLAS's own count at load; 0 until first read
int max_threads = 0;
bool automatic = true;

void start_timing(Choice* c) {
  c->threads = 0;
  c->timed[0] = c->timed[1] = 0;
  c->best[0] = c->best[1] = std::numeric_limits<double>::infinity();
}

int max_locked() {
  if (initial_threads == 0) initial_threads = max_threads = openblas_get_num_threads();
  return max_threads;
}

Choice* find_locked(const Shape& s) {
  unsigned h = (unsigned)s.M * 73856093u ^ (unsigned)s.N * 19349663u ^ (unsigned)s.K * 83492791u ^ (unsigned)s.form;
  for (int probe = 0; probe < kGemmShapes; probe++) {
    Choice* c = &table[(h + probe) % kGemmShapes];
    if (!c->used) {
      c->used = true;
      c->shape = s;
      start_timing(c);
      return c;
    }
    if (c->shape == s) return c;
  }
  return nullptr;
}

// How one call runs: its thread count, and while its shape is timed, the slot its time goes to.
struct Call {
  int threads;
  int slot;  // -1: not timed
  Choice* choice;
  std::chrono::steady_clock::time_point start;
};

Call begin(const Shape& s, double work, double one_thread) {
  Call call{0, -1, nullptr, {}};
  // OpenBLAS runs it on one thread whatever the count: nothing to choose, and no lock taken
  // (the tiny networks' GEMMs are all of this kind, a few hundred nanoseconds each).
  if (work <= one_thread) return call;
  {
    std::lock_guard<std::mutex> guard(lock);
    int max = max_locked();
    Choice* c = automatic && max > 1 ? find_locked(s) : nullptr;
    if (c == nullptr) {
      // A fixed count (set again here, in case an automatic call changed it since), one thread
      // at most, or a full table: the maximum.
      call.threads = max;
    } else if (c->threads > 0 && c->calls_left > 0) {
      c->calls_left--;
      call.threads = c->threads;
    } else {
      if (c->threads > 0) start_timing(c);
      // Alternate the settings, so a drift of the machine's load hits both alike.
      call.slot = c->timed[0] <= c->timed[1] ? 0 : 1;
      call.threads = call.slot == 0 ? 1 : max;
      call.choice = c;
    }
  }
  if (openblas_get_num_threads() != call.threads) openblas_set_num_threads(call.threads);
  if (call.slot >= 0) call.start = std::chrono::steady_clock::now();
  return call;
}

void end(const Call& call) {
  if (call.slot < 0) return;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - call.start).count();
  std::lock_guard<std::mutex> guard(lock);
  Choice* c = call.choice;
  if (c->threads > 0) return;  // decided by another thread meanwhile
  if (seconds < c->best[call.slot]) c->best[call.slot] = seconds;
  c->timed[call.slot]++;
  if (c->timed[0] >= kTimings && c->timed[1] >= kTimings) {
    c->threads = c->best[0] <= c->best[1] ? 1 : initial_threads;  // the automatic maximum
    c->calls_left = kRecheckCalls;
  }
}

}  // namespace

void sgemm(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a, bool trans_b,
           int lda, int ldb, float beta) {
  Call call = begin(Shape{M, N, K, (trans_a ? 1 : 0) | (trans_b ? 2 : 0)}, (double)M * N * K, kGemmOneThread);
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              M, N, K, 1.0f, a, lda, b, ldb, beta, c, N);
  end(call);
}

void sgemv(float* y, const float* a, const float* x, int M, int N) {
  Call call = begin(Shape{M, N, 1, kGemv}, (double)M * N, kGemvOneThread);
  cblas_sgemv(CblasRowMajor, CblasNoTrans, M, N, 1.0f, a, N, x, 1, 1.0f, y, 1);
  end(call);
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
    if (!c.used || n == capacity) continue;
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
