// Inverted dropout (Srivastava et al. 2014): in training, each unit is kept with probability
// 1 − rate and scaled by 1 / (1 − rate), so inference is the identity. The mask is not stored:
// it is a pure function of (seed, step, layer, row, unit) — a counter-based generator, as
// Philox-style generators are — so backward recomputes it, the TypeScript twin draws the same
// masks, and no result depends on thread count or chunking.
#pragma once

#include <cstdint>

// Which masks: the model's seed, the optimizer step, the layer's index.
struct DropoutKey {
  uint32_t seed;
  uint32_t step;
  uint32_t layer;
};

// 24 random bits of (key, row, unit), as a uniform number in [0, 1).
float dropout_uniform(const DropoutKey& key, uint32_t row, uint32_t unit);

// y = x ⊙ mask / (1 − rate)
// y, x: (B, C)
void dropout_forward(float* y, const float* x, int B, int C, float rate, const DropoutKey& key);

// dx = dy ⊙ mask / (1 − rate), with the forward pass's mask
// dx, dy: (B, C)
void dropout_backward(float* dx, const float* dy, int B, int C, float rate, const DropoutKey& key);
