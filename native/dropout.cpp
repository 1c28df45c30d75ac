#include "dropout.h"

// MurmurHash3's 32-bit finaliser: every input bit affects every output bit.
static inline uint32_t mix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

float dropout_uniform(const DropoutKey& key, uint32_t row, uint32_t unit) {
  uint32_t h = mix(key.seed + 0x9e3779b9u);
  h = mix(h ^ key.step);
  h = mix(h ^ key.layer);
  h = mix(h ^ row);
  h = mix(h ^ unit);
  return (float)(h >> 8) * (1.0f / 16777216.0f);
}

void dropout_forward(float* y, const float* x, int B, int C, float rate, const DropoutKey& key) {
  float scale = 1.0f / (1.0f - rate);
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++) {
      long i = (long)b * C + c;
      y[i] = dropout_uniform(key, (uint32_t)b, (uint32_t)c) >= rate ? x[i] * scale : 0.0f;
    }
}

void dropout_backward(float* dx, const float* dy, int B, int C, float rate, const DropoutKey& key) {
  dropout_forward(dx, dy, B, C, rate, key);  // the same mask and scale
}
