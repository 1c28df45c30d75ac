// Fully connected layer, weights stored (out × in) row-major as PyTorch's nn.Linear does.
#pragma once

// y = x · Wᵀ + b
// y:      (B, OC) output
// x:      (B, C)  input rows
// weight: (OC, C)
// bias:   (OC,)
void dense_forward(float* y, const float* x, const float* weight, const float* bias, int B, int C,
                   int OC);

// Accumulates the parameter gradients and writes the input gradient:
//   dW += dyᵀ · x,  db += Σ_rows dy,  dx = dy · W  (dx may be null for the first layer)
// dx:      (B, C)  overwritten
// dweight: (OC, C) accumulated
// dbias:   (OC,)   accumulated
// dy:      (B, OC) ∂L/∂(pre-activation output)
// x:       (B, C)  the forward input
// weight:  (OC, C)
void dense_backward(float* dx, float* dweight, float* dbias, const float* dy, const float* x,
                    const float* weight, int B, int C, int OC);
