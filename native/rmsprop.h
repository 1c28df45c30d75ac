// RMSprop with PyTorch's semantics (torch.optim.RMSprop documentation; PyTorch calls ρ alpha):
//   g ← c·∇ + λ·θ                       (c: the clip-by-norm factor, 1 when not clipping)
//   s ← ρ·s + (1 − ρ)·g²
//   centered: a ← ρ·a + (1 − ρ)·g,  d ← √(s − a²) + ε;  otherwise d ← √s + ε
//   momentum μ > 0: b ← μ·b + g / d,  θ ← θ − γ·b;      otherwise θ ← θ − γ·g / d
#pragma once

struct RmspropOptions {
  float lr;
  float rho;
  float eps;
  float weight_decay;
  float momentum;
  bool centered;
  float grad_scale;  // c
};

// params:     (n,) updated in place
// square_avg: (n,) state s
// momentum:   (n,) state b (used when momentum > 0)
// grad_avg:   (n,) state a (used when centered)
// grads:      (n,)
void rmsprop_step(float* params, float* square_avg, float* momentum, float* grad_avg,
                  const float* grads, int n, const RmspropOptions& o);
