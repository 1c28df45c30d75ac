// Metric counters: the sufficient statistics of every metric, accumulated in the same pass as
// the loss. A counter only adds numbers (counts, sums); the ratios (precision, rmse, …) are
// taken in TypeScript (lib/train/metrics.ts) over a batch, an epoch or an evaluation, so an
// epoch's value is exact rather than a mean of batch values.
#pragma once

#include "loss.h"

enum CounterKind {
  COUNTER_ACCURACY = 0,  // [correct, total]
  COUNTER_TOP_K,         // [hits, rows]; param: k
  COUNTER_ABS_ERROR,     // [Σ|p − y|, elements]
  COUNTER_SQUARED_ERROR, // [Σ(p − y)², elements]
  COUNTER_CONFUSION,     // param 0: [tp, fp, fn] of the positive class; 1: [tp, fp, fn] per class
};
constexpr int kCounterKindCount = 5;
constexpr int kConfusionBinary = 0;
constexpr int kConfusionPerClass = 1;

// One counter as the plan records it: where its numbers start in a batch's stats.
struct CounterRecord {
  int kind;     // CounterKind
  int param;    // k for COUNTER_TOP_K; kConfusion* for COUNTER_CONFUSION; 0 otherwise
  long offset;  // first slot in a batch's stats
};

// What a prediction is compared with, which follows from the loss and the output width:
// one class per row (categorical cross-entropy, or mse with K > 1: argmax of the scores against
// the label or the argmax of the target row), or one yes/no per element (binary cross-entropy,
// or mse with K = 1: score above the threshold against target > 0.5).
bool counters_per_row(int loss, int K);

// Slots the counter takes for K outputs, or 0 when it cannot be used with this loss and K
// (top-k and per-row confusion need rows with one class; binary confusion per row needs K = 2).
long counter_width(int kind, int param, int loss, int K);

// Adds the batch's counts to slots (laid out by the records' offsets).
// scores: (B, K) logits for the fused losses (threshold 0), outputs for mse (threshold 0.5)
// probs:  (B, K) activated outputs, read only by the error counters
void counters_accumulate(double* slots, const CounterRecord* counters, int n, const float* scores,
                         const float* probs, const BatchTargets& t, int B, int K, int loss);
