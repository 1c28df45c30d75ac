// Gradient clipping over the whole flat gradient vector, as PyTorch's utilities define it:
//   clip_grad_norm_(max_norm):   n = ‖g‖₂;  g ← g · max_norm / (n + 1e-6)  when that factor < 1
//   clip_grad_value_(v):         g ← clamp(g, −v, v)
// With one flat vector, the global norm is one nrm2 and the rescale one scal.
#pragma once

// Returns ‖g‖₂ before clipping. max_norm or max_value ≤ 0 turns that clip off.
// grads: (n,) clipped in place
double clip_gradients(float* grads, int n, double max_norm, double max_value);
