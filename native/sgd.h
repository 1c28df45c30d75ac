// Stochastic gradient descent over the whole flat parameter vector, with PyTorch's semantics
// (torch.optim.SGD documentation):
//   g ← c·∇ + λ·θ                     (c: the clip-by-norm factor, 1 when not clipping;
//                                      weight decay: L2 added to the gradient)
//   b ← g                             on the first step
//   b ← μ·b + (1 − τ)·g               afterwards          (momentum μ, dampening τ)
//   g ← g + μ·b  if nesterov, else b                      (only when μ ≠ 0)
//   θ ← θ − γ·g                                           (learning rate γ)
#pragma once

struct SgdOptions {
  float lr;
  float momentum;
  float dampening;
  float weight_decay;
  bool nesterov;
  float grad_scale;  // c: the gradient is read as c·grads (folded into the BLAS coefficients)
};

// params:   (n,) updated in place
// momentum: (n,) the momentum buffer; untouched when momentum is 0
// grads:    (n,) read only
void sgd_step(float* params, float* momentum, const float* grads, int n, const SgdOptions& o,
              bool first_step);
