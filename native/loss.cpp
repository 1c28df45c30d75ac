#include "loss.h"

#include <cmath>
#include <cstdint>

#include "activation.h"

// Class label of a sample, for the integer target types.
static long user_label(const Targets& t, long sample) {
  switch (t.type) {
    case TARGET_U8: return static_cast<const uint8_t*>(t.data)[sample];
    case TARGET_I8: return static_cast<const int8_t*>(t.data)[sample];
    case TARGET_U16: return static_cast<const uint16_t*>(t.data)[sample];
    case TARGET_I16: return static_cast<const int16_t*>(t.data)[sample];
    case TARGET_U32: return static_cast<long>(static_cast<const uint32_t*>(t.data)[sample]);
    case TARGET_I32: return static_cast<const int32_t*>(t.data)[sample];
  }
  return -1;
}

int gather_labels(int32_t* labels, long* bad_value, const Targets& t, const int* rows, long start,
                  int B, int K) {
  for (int b = 0; b < B; b++) {
    long label = user_label(t, rows != nullptr ? rows[start + b] : start + b);
    if (label < 0 || label >= K) {
      *bad_value = label;
      return b;
    }
    labels[b] = (int32_t)label;
  }
  return -1;
}

BatchTargets batch_targets(const Targets& t, const int32_t* labels, const int* rows, long start) {
  if (t.type == TARGET_DENSE) return BatchTargets{static_cast<const float*>(t.data), nullptr, rows, start};
  return BatchTargets{nullptr, labels, rows, start};
}

static const float* target_row(const BatchTargets& t, int i, int K) {
  return t.y + target_sample(t, i) * K;
}

double mse_loss(float* dout, const float* out, const BatchTargets& t, int B, int K) {
  double sum = 0.0;
  float scale = 2.0f / ((float)B * K);
  for (int b = 0; b < B; b++) {
    const float* o = out + (long)b * K;
    const float* y = target_row(t, b, K);
    for (int k = 0; k < K; k++) {
      float diff = o[k] - y[k];
      sum += (double)diff * diff;
      if (dout != nullptr) dout[(long)b * K + k] = scale * diff;
    }
  }
  return sum / ((double)B * K);
}

// Each exp is taken once, in float (PyTorch's float32 log_softmax does the same): e_k = exp(z_k −
// max) goes into dlogits while Σe accumulates in double, then dlogits becomes e_k / Σe, the
// softmax. Taking exp twice in double (once for the sum, once for the gradient) was a fifth of a
// tiny network's training step.
double softmax_crossentropy_loss(float* dlogits, const float* logits, const BatchTargets& t, int B,
                                 int K) {
  double sum = 0.0;
  for (int b = 0; b < B; b++) {
    const float* z = logits + (long)b * K;
    float* dz = dlogits != nullptr ? dlogits + (long)b * K : nullptr;
    float max = z[0];
    for (int k = 1; k < K; k++) max = z[k] > max ? z[k] : max;
    double exp_sum = 0.0;
    for (int k = 0; k < K; k++) {
      float e = std::exp(z[k] - max);
      exp_sum += e;
      if (dz != nullptr) dz[k] = e;
    }
    double lse = max + std::log(exp_sum);
    float inv_sum = (float)(1.0 / exp_sum);

    if (t.y != nullptr) {
      const float* y = target_row(t, b, K);
      double y_sum = 0.0, yz = 0.0;
      for (int k = 0; k < K; k++) {
        y_sum += y[k];
        yz += (double)y[k] * z[k];
      }
      sum += lse * y_sum - yz;
      if (dz != nullptr)
        for (int k = 0; k < K; k++) dz[k] = (dz[k] * inv_sum * (float)y_sum - y[k]) / (float)B;
    } else {
      int label = t.labels[b];
      sum += lse - z[label];
      if (dz != nullptr)
        for (int k = 0; k < K; k++) dz[k] = (dz[k] * inv_sum - (k == label ? 1.0f : 0.0f)) / (float)B;
    }
  }
  return sum / B;
}

double sigmoid_bce_loss(float* dlogits, const float* logits, const BatchTargets& t, int B, int K) {
  double sum = 0.0;
  float scale = 1.0f / ((float)B * K);
  for (int b = 0; b < B; b++) {
    const float* z = logits + (long)b * K;
    const float* y = target_row(t, b, K);
    for (int k = 0; k < K; k++) {
      float zk = z[k];
      sum += (zk > 0.0f ? zk : 0.0f) - zk * y[k] + std::log1p(std::exp(-std::fabs(zk)));
      if (dlogits != nullptr) dlogits[(long)b * K + k] = scale * (sigmoidf(zk) - y[k]);
    }
  }
  return sum / ((double)B * K);
}
