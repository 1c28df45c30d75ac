#include "metrics.h"

#include <cmath>

bool counters_per_row(int loss, int K) {
  return loss == LOSS_CATEGORICAL_CROSSENTROPY || (loss == LOSS_MSE && K > 1);
}

long counter_width(int kind, int param, int loss, int K) {
  bool per_row = counters_per_row(loss, K);
  switch (kind) {
    case COUNTER_ACCURACY:
    case COUNTER_ABS_ERROR:
    case COUNTER_SQUARED_ERROR:
      return param == 0 ? 2 : 0;
    case COUNTER_TOP_K:
      return per_row && param >= 1 && param <= K ? 2 : 0;
    case COUNTER_CONFUSION:
      if (param == kConfusionBinary) return !per_row || K == 2 ? 3 : 0;
      if (param == kConfusionPerClass) return 3L * K;  // long: 3·K can pass 2^31
      return 0;
  }
  return 0;
}

static int argmax(const float* v, int K) {
  int best = 0;
  for (int k = 1; k < K; k++)
    if (v[k] > v[best]) best = k;
  return best;
}

// The true class of batch row b (per-row metrics): its label, or the argmax of its target row.
static int true_class(const BatchTargets& t, int b, int K) {
  return t.labels != nullptr ? t.labels[b] : argmax(t.y + target_sample(t, b) * K, K);
}

// Target element k of batch row b; class labels read as one-hot rows.
static float target_at(const BatchTargets& t, int b, int k, int K) {
  return t.labels != nullptr ? (float)(t.labels[b] == k) : t.y[target_sample(t, b) * K + k];
}

// [tp, fp, fn] += one yes/no prediction against its truth.
static void add_confusion(double* c, bool predicted, bool truth) {
  c[0] += predicted && truth;
  c[1] += predicted && !truth;
  c[2] += !predicted && truth;
}

// scores, probs: (B, K)
void counters_accumulate(double* slots, const CounterRecord* counters, int n, const float* scores,
                         const float* probs, const BatchTargets& t, int B, int K, int loss) {
  bool per_row = counters_per_row(loss, K);
  float threshold = loss == LOSS_MSE ? 0.5f : 0.0f;
  for (int m = 0; m < n; m++) {
    const CounterRecord& c = counters[m];
    double* s = slots + c.offset;
    for (int b = 0; b < B; b++) {
      const float* z = scores + (long)b * K;
      const float* p = probs + (long)b * K;
      switch (c.kind) {
        case COUNTER_ACCURACY:
          if (per_row) {
            s[0] += argmax(z, K) == true_class(t, b, K);
            s[1] += 1;
          } else {
            for (int k = 0; k < K; k++) s[0] += (z[k] > threshold) == (target_at(t, b, k, K) > 0.5f);
            s[1] += K;
          }
          break;
        case COUNTER_TOP_K: {
          // In the top k when fewer than k classes score strictly higher: ties at the boundary
          // count as hits, as tf.math.in_top_k (and Keras's top_k_categorical_accuracy) do.
          int truth = true_class(t, b, K), above = 0;
          for (int k = 0; k < K; k++) above += z[k] > z[truth];
          s[0] += above < c.param;
          s[1] += 1;
          break;
        }
        case COUNTER_ABS_ERROR:
        case COUNTER_SQUARED_ERROR:
          for (int k = 0; k < K; k++) {
            double e = (double)p[k] - target_at(t, b, k, K);
            s[0] += c.kind == COUNTER_ABS_ERROR ? std::fabs(e) : e * e;
          }
          s[1] += K;
          break;
        case COUNTER_CONFUSION:
          if (per_row) {
            int predicted = argmax(z, K), truth = true_class(t, b, K);
            if (c.param == kConfusionBinary) {
              add_confusion(s, predicted == 1, truth == 1);
            } else {
              s[3L * predicted] += predicted == truth;      // tp of the predicted class
              s[3L * predicted + 1] += predicted != truth;  // fp of the predicted class
              s[3L * truth + 2] += predicted != truth;      // fn of the true class
            }
          } else {
            for (int k = 0; k < K; k++)
              add_confusion(c.param == kConfusionBinary ? s : s + 3L * k, z[k] > threshold,
                            target_at(t, b, k, K) > 0.5f);
          }
          break;
      }
    }
  }
}
