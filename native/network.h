// A sequential stack of dense layers run over caller-owned memory: parameters, gradients and a
// workspace (activations and deltas) are all borrowed, so nothing here allocates.
#pragma once

#include "loss.h"
#include "optimizer.h"

// The network's shape, read from an Int32Array borrowed from JS:
//   spec = [loss, n_layers, input_size, out_0, act_0, out_1, act_1, ...]
// plus one leakyRelu slope per layer in `alpha`.
struct Network {
  const int* spec;
  const float* alpha;

  int loss() const { return spec[0]; }
  int layers() const { return spec[1]; }
  int in(int l) const { return l == 0 ? spec[2] : spec[3 + 2 * (l - 1)]; }
  int out(int l) const { return spec[3 + 2 * l]; }
  int act(int l) const { return spec[4 + 2 * l]; }
  int inputs() const { return spec[2]; }
  int outputs() const { return out(layers() - 1); }
  // The last activation is folded into the loss (softmax/sigmoid cross-entropy from logits).
  bool fused_output() const { return loss() != LOSS_MSE; }

  // Parameters, PyTorch state_dict order: W_0 (out_0, in_0), b_0 (out_0), W_1, b_1, ...
  long weight_offset(int l) const;
  long bias_offset(int l) const { return weight_offset(l) + (long)out(l) * in(l); }
  long param_count() const { return weight_offset(layers()); }

  // Workspace for batches of up to B rows, in floats:
  //   [input (B, in_0)] [act_0 (B, out_0)] [delta_0 (B, out_0)] ... [output (B, out_last)]
  // act_l holds the layer's activated output, except for the last layer, whose act holds the
  // pre-activation (logits) and whose activated output goes to `output`.
  long act_offset(int l, int B) const;
  long delta_offset(int l, int B) const { return act_offset(l, B) + (long)B * out(l); }
  long output_offset(int B) const { return act_offset(layers(), B); }
  long workspace_size(int B) const { return output_offset(B) + (long)B * outputs(); }
};

// The rows of one batch, read in place from the user's (N, in_0) inputs.
struct Batch {
  const float* x;    // (N, in_0)
  const int* rows;   // sample index of every batch row, indexed from `start`; null: consecutive
  long start;
  int size;          // B
};

// Runs every layer. `output` (B, outputs) receives the activated network output; it may be null
// in training with a fused loss, where the loss reads the logits from the workspace.
void network_forward(const Network& net, float* output, const float* params, float* ws,
                     const Batch& batch);

// Loss of the last forward pass. With `with_grad`, also writes ∂L/∂(last pre-activation) into
// the last layer's delta. For mse the forward pass must have written the workspace's output.
double network_loss(const Network& net, float* ws, const Targets& targets, int B, bool with_grad);

// Backpropagates the last layer's delta through every layer, accumulating into grads.
void network_backward(const Network& net, float* grads, const float* params, float* ws,
                      const Batch& batch);

// Correct predictions of the last forward pass (see count_correct); 0 for mse.
long network_correct(const Network& net, const float* ws, const Targets& targets, int B);

// Per-batch statistics written by the multi-batch loops.
struct BatchStats {
  double loss;
  double correct;
};

// The fused training loop: for every batch, zero grads → forward → loss → backward → update.
// Batches are `batch_size` rows of the sample order (rows, or 0..n-1 when rows is null),
// starting at batch number `first_batch`; the last one may be shorter. Stops before updating
// on a batch whose loss is not finite (its stats are written), and before starting a batch
// once *stop is non-zero (set from another thread to cancel; may be null).
// Returns how many batches were completed.
// stats: (n_batches,)
int network_train_batches(const Network& net, float* params, float* grads, float* ws,
                          const float* x, Targets targets, long n_samples, int batch_size,
                          long first_batch, int n_batches, Optimizer& opt, BatchStats* stats,
                          const int* stop);

// Forward over all n samples in chunks of `capacity` rows.
// out: (n, outputs)
void network_predict(const Network& net, float* out, const float* params, float* ws,
                     const float* x, long n, int capacity);

// Mean loss and total correct count over all n samples in chunks of `capacity` rows.
BatchStats network_evaluate(const Network& net, const float* params, float* ws, const float* x,
                            Targets targets, long n, int capacity);
