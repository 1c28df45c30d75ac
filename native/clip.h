// Gradient clipping over the whole flat gradient vector, as PyTorch's utilities define it:
//   clip_grad_norm_(max_norm):   n = ‖g‖₂;  g ← c·g with c = max_norm / (n + 1e-6)  when c < 1
//   clip_grad_value_(v):         g ← clamp(g, −v, v)   (after the rescale)
// With one flat vector, the global norm is one pass over it. The rescale is left to the
// caller as the factor c: the optimizer folds it into its update (Optimizer::grad_scale), which
// saves a pass over every gradient, and clip_scale applies it in place when grads must show it.
#pragma once

// Returns ‖g‖₂ before clipping and sets *scale to c (1 when not clipping by norm). Clipping by
// value is applied in place at ±max_value / c, so that c·g is clamped at ±max_value.
// max_norm or max_value ≤ 0 turns that clip off.
// grads: (n,)
double clip_gradients(float* grads, int n, double max_norm, double max_value, float* scale);

// grads ← scale·grads
void clip_scale(float* grads, int n, float scale);
