// Adam and AdamW with PyTorch's semantics (torch.optim.Adam / torch.optim.AdamW documentation),
// for step t = 1, 2, …:
//   Adam:  g ← c·∇ + λ·θ                    (L2 weight decay added to the gradient)
//   AdamW: θ ← θ·(1 − γ·λ)                  (decoupled weight decay), g ← c·∇
// c is the clip-by-norm factor (1 when not clipping).
//   m ← β₁·m + (1 − β₁)·g
//   v ← β₂·v + (1 − β₂)·g²
//   v_max ← max(v_max, v)                   (amsgrad only; then v_max replaces v below)
//   θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
// The last line is PyTorch's arrangement of the bias corrections, kept so float32 results match.
#pragma once

struct AdamOptions {
  float lr;
  float beta1;
  float beta2;
  float eps;
  float weight_decay;
  bool amsgrad;
  bool decoupled;  // AdamW
  float grad_scale;  // c
};

// params:  (n,) updated in place
// exp_avg, exp_avg_sq, max_exp_avg_sq: (n,) state (the last only read and written with amsgrad)
// grads:   (n,)
// step:    t, counting from 1
void adam_step(float* params, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq,
               const float* grads, int n, const AdamOptions& o, long step);
