// Mean-reduced losses with their gradients.
#pragma once

#include <cstdint>

enum Loss {
  LOSS_MSE = 0,
  LOSS_CATEGORICAL_CROSSENTROPY = 1,  // fused with the last layer's softmax
  LOSS_BINARY_CROSSENTROPY = 2,       // fused with the last layer's sigmoid
};
constexpr int kLossCount = 3;

// How targets are stored: float32 rows, or one integer class label per sample.
enum TargetType {
  TARGET_DENSE = 0,
  TARGET_U8 = 1,
  TARGET_I8 = 2,
  TARGET_U16 = 3,
  TARGET_I16 = 4,
  TARGET_U32 = 5,
  TARGET_I32 = 6,
};
constexpr int kTargetTypeCount = 7;

// The user's targets, read in place: (N, K) float32 rows, or (N,) integer class labels.
struct Targets {
  const void* data;
  int type;  // TargetType
};

// The targets of one batch. Float rows are read in place. Class labels are first copied out of
// the user's array (which another thread may be rewriting) by gather_labels, and only the
// checked copy is read, so no label that reaches a kernel can be out of range.
struct BatchTargets {
  const float* y;          // (N, K) float targets, or null when `labels` is set
  const int32_t* labels;   // (B,) class labels in [0, K)
  const int* rows;         // sample index of every batch row, indexed from `start`; null: consecutive
  long start;              // index into rows, or the first sample when rows is null
};

// Sample index of batch row i.
inline long target_sample(const BatchTargets& t, int i) {
  return t.rows != nullptr ? t.rows[t.start + i] : t.start + i;
}

// Copies the class labels of batch rows [0, B) into labels (B,), reading each user label once.
// Returns -1, or the first batch row whose label is outside [0, K), with the label read in
// *bad_value (then labels is incomplete and must not be used).
int gather_labels(int32_t* labels, long* bad_value, const Targets& t, const int* rows, long start,
                  int B, int K);

// The batch view of t: float rows in place, or the gathered labels.
BatchTargets batch_targets(const Targets& t, const int32_t* labels, const int* rows, long start);

// L = Σ (out − y)² / (B·K);  dout = 2 (out − y) / (B·K)
// dout: (B, K) or null; out: (B, K)
double mse_loss(float* dout, const float* out, const BatchTargets& t, int B, int K);

// Softmax cross-entropy from logits, mean over the batch (PyTorch's CrossEntropyLoss):
//   L_i = logsumexp(z_i)·Σ_k y_ik − Σ_k y_ik z_ik;  dz = (softmax(z)·Σ_k y_k − y) / B
// With labels, y is the one-hot row of the label.
// dlogits: (B, K) or null; logits: (B, K)
double softmax_crossentropy_loss(float* dlogits, const float* logits, const BatchTargets& t, int B,
                                 int K);

// Sigmoid binary cross-entropy from logits, mean over all B·K elements (BCEWithLogitsLoss):
//   L = max(z, 0) − z·y + log(1 + e^(−|z|));  dz = (σ(z) − y) / (B·K)
// dlogits: (B, K) or null; logits: (B, K)
double sigmoid_bce_loss(float* dlogits, const float* logits, const BatchTargets& t, int B, int K);
