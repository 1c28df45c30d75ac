#include "activation.h"

#include <cmath>

float sigmoidf(float z) {
  if (z >= 0.0f) return 1.0f / (1.0f + std::exp(-z));
  float e = std::exp(z);
  return e / (1.0f + e);
}

void softmax_row(float* y, int C) {
  float max = y[0];
  for (int c = 1; c < C; c++) max = y[c] > max ? y[c] : max;
  double sum = 0.0;
  for (int c = 0; c < C; c++) {
    y[c] = std::exp(y[c] - max);
    sum += y[c];
  }
  float inv = (float)(1.0 / sum);
  for (int c = 0; c < C; c++) y[c] *= inv;
}

void activation_forward(float* y, int B, int C, int act, float alpha) {
  long n = (long)B * C;
  switch (act) {
    case ACT_LINEAR:
      return;
    case ACT_RELU:
      for (long i = 0; i < n; i++) y[i] = y[i] > 0.0f ? y[i] : 0.0f;
      return;
    case ACT_LEAKY_RELU:
      for (long i = 0; i < n; i++) y[i] = y[i] > 0.0f ? y[i] : alpha * y[i];
      return;
    case ACT_SIGMOID:
      for (long i = 0; i < n; i++) y[i] = sigmoidf(y[i]);
      return;
    case ACT_TANH:
      for (long i = 0; i < n; i++) y[i] = std::tanh(y[i]);
      return;
    case ACT_SOFTMAX:
      for (int b = 0; b < B; b++) softmax_row(y + (long)b * C, C);
      return;
  }
}

void activation_backward(float* d, const float* y, int B, int C, int act, float alpha) {
  long n = (long)B * C;
  switch (act) {
    case ACT_LINEAR:
      return;
    case ACT_RELU:
      for (long i = 0; i < n; i++) d[i] = y[i] > 0.0f ? d[i] : 0.0f;
      return;
    case ACT_LEAKY_RELU:
      for (long i = 0; i < n; i++) d[i] = y[i] > 0.0f ? d[i] : alpha * d[i];
      return;
    case ACT_SIGMOID:  // σ' = σ(1 − σ)
      for (long i = 0; i < n; i++) d[i] *= y[i] * (1.0f - y[i]);
      return;
    case ACT_TANH:  // tanh' = 1 − tanh²
      for (long i = 0; i < n; i++) d[i] *= 1.0f - y[i] * y[i];
      return;
    case ACT_SOFTMAX:  // Jacobian-vector product: dz = y ⊙ (dy − ⟨dy, y⟩), per row
      for (int b = 0; b < B; b++) {
        float* db = d + (long)b * C;
        const float* yb = y + (long)b * C;
        double dot = 0.0;
        for (int c = 0; c < C; c++) dot += (double)db[c] * yb[c];
        for (int c = 0; c < C; c++) db[c] = yb[c] * (db[c] - (float)dot);
      }
      return;
  }
}
