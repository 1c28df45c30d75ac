// Element-wise activations and their derivatives, applied in place over (B, C) rows.
#pragma once

enum Activation {
  ACT_LINEAR = 0,
  ACT_RELU = 1,
  ACT_LEAKY_RELU = 2,
  ACT_SIGMOID = 3,
  ACT_TANH = 4,
  ACT_SOFTMAX = 5,
};
constexpr int kActivationCount = 6;

// y = f(y) in place.
// y: (B, C)
void activation_forward(float* y, int B, int C, int act, float alpha);

// d = d ⊙ f'(z), in place, with f'(z) written in terms of the output y = f(z).
// That is exact for every activation here because leakyRelu's alpha is ≥ 0, so y > 0 ⇔ z > 0.
// d: (B, C) ∂L/∂y in, ∂L/∂z out
// y: (B, C) the forward output
void activation_backward(float* d, const float* y, int B, int C, int act, float alpha);

// Numerically stable logistic function: never evaluates exp of a large positive number.
float sigmoidf(float z);

// Row-wise softmax in place, shifted by the row max so exp never overflows.
// y: (C,)
void softmax_row(float* y, int C);
