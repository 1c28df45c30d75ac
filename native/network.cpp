#include "network.h"

#include <cmath>
#include <cstring>

#include "activation.h"
#include "dense.h"

long Network::weight_offset(int l) const {
  long offset = 0;
  for (int i = 0; i < l; i++) offset += (long)out(i) * (in(i) + 1);
  return offset;
}

long Network::act_offset(int l, int B) const {
  long offset = (long)B * inputs();
  for (int i = 0; i < l; i++) offset += 2L * B * out(i);
  return offset;
}

// The (B, in_0) input of the batch: the user's rows themselves when they are consecutive,
// otherwise the workspace's input block (filled by gather_input).
static const float* batch_input(const Network& net, const float* ws, const Batch& batch) {
  if (batch.rows == nullptr) return batch.x + batch.start * net.inputs();
  return ws;
}

// Copies a shuffled batch's rows into the workspace so the first GEMM reads contiguous memory.
static void gather_input(const Network& net, float* ws, const Batch& batch) {
  if (batch.rows == nullptr) return;
  int C = net.inputs();
  for (int b = 0; b < batch.size; b++)
    std::memcpy(ws + (long)b * C, batch.x + (long)batch.rows[batch.start + b] * C,
                sizeof(float) * C);
}

void network_forward(const Network& net, float* output, const float* params, float* ws,
                     const Batch& batch) {
  int B = batch.size, L = net.layers();
  gather_input(net, ws, batch);
  const float* input = batch_input(net, ws, batch);
  for (int l = 0; l < L; l++) {
    float* act = ws + net.act_offset(l, B);
    dense_forward(act, input, params + net.weight_offset(l), params + net.bias_offset(l), B,
                  net.in(l), net.out(l));
    if (l < L - 1) activation_forward(act, B, net.out(l), net.act(l), net.alpha[l]);
    input = act;
  }
  if (output != nullptr) {
    int K = net.outputs();
    std::memcpy(output, input, sizeof(float) * B * K);
    activation_forward(output, B, K, net.act(L - 1), net.alpha[L - 1]);
  }
}

double network_loss(const Network& net, float* ws, const Targets& targets, int B,
                    bool with_grad) {
  int L = net.layers(), K = net.outputs();
  const float* logits = ws + net.act_offset(L - 1, B);
  float* delta = with_grad ? ws + net.delta_offset(L - 1, B) : nullptr;
  switch (net.loss()) {
    case LOSS_CATEGORICAL_CROSSENTROPY:
      return softmax_crossentropy_loss(delta, logits, targets, B, K);
    case LOSS_BINARY_CROSSENTROPY:
      return sigmoid_bce_loss(delta, logits, targets, B, K);
    default: {
      const float* output = ws + net.output_offset(B);
      double loss = mse_loss(delta, output, targets, B, K);
      if (delta != nullptr) activation_backward(delta, output, B, K, net.act(L - 1), net.alpha[L - 1]);
      return loss;
    }
  }
}

void network_backward(const Network& net, float* grads, const float* params, float* ws,
                      const Batch& batch) {
  int B = batch.size;
  for (int l = net.layers() - 1; l >= 0; l--) {
    const float* input = l == 0 ? batch_input(net, ws, batch) : ws + net.act_offset(l - 1, B);
    float* dinput = l == 0 ? nullptr : ws + net.delta_offset(l - 1, B);
    dense_backward(dinput, grads + net.weight_offset(l), grads + net.bias_offset(l),
                   ws + net.delta_offset(l, B), input, params + net.weight_offset(l), B, net.in(l),
                   net.out(l));
    if (l > 0) activation_backward(dinput, input, B, net.out(l - 1), net.act(l - 1), net.alpha[l - 1]);
  }
}

long network_correct(const Network& net, const float* ws, const Targets& targets, int B) {
  if (!net.fused_output()) return 0;
  // argmax and "> 0" on logits agree with argmax and "> 0.5" on softmax/sigmoid outputs.
  return count_correct(ws + net.act_offset(net.layers() - 1, B), targets, B, net.outputs(),
                       net.loss(), 0.0f);
}

int network_train_batches(const Network& net, float* params, float* grads, float* ws,
                          const float* x, Targets targets, long n_samples, int batch_size,
                          long first_batch, int n_batches, Optimizer& opt, BatchStats* stats,
                          const int* stop) {
  long n_params = net.param_count();
  for (int i = 0; i < n_batches; i++) {
    // Relaxed is enough: the flag only asks the loop to end early, it guards no other data.
    if (stop != nullptr && __atomic_load_n(stop, __ATOMIC_RELAXED) != 0) return i;
    long start = (first_batch + i) * batch_size;
    int B = (int)(n_samples - start < batch_size ? n_samples - start : batch_size);
    Batch batch{x, targets.rows, start, B};
    targets.start = start;

    std::memset(grads, 0, sizeof(float) * n_params);
    network_forward(net, net.fused_output() ? nullptr : ws + net.output_offset(B), params, ws,
                    batch);
    double loss = network_loss(net, ws, targets, B, true);
    stats[i] = BatchStats{loss, (double)network_correct(net, ws, targets, B)};
    if (!std::isfinite(loss)) return i;
    network_backward(net, grads, params, ws, batch);
    optimizer_step(params, grads, (int)n_params, opt);
  }
  return n_batches;
}

void network_predict(const Network& net, float* out, const float* params, float* ws,
                     const float* x, long n, int capacity) {
  for (long start = 0; start < n; start += capacity) {
    int B = (int)(n - start < capacity ? n - start : capacity);
    network_forward(net, out + start * net.outputs(), params, ws, Batch{x, nullptr, start, B});
  }
}

BatchStats network_evaluate(const Network& net, const float* params, float* ws, const float* x,
                            Targets targets, long n, int capacity) {
  BatchStats total{0.0, 0.0};
  for (long start = 0; start < n; start += capacity) {
    int B = (int)(n - start < capacity ? n - start : capacity);
    network_forward(net, net.fused_output() ? nullptr : ws + net.output_offset(B), params, ws,
                    Batch{x, nullptr, start, B});
    targets.start = start;
    // Every loss is a mean over rows of equal width, so weighting by rows gives the full mean.
    total.loss += network_loss(net, ws, targets, B, false) * B;
    total.correct += (double)network_correct(net, ws, targets, B);
  }
  total.loss /= (double)n;
  return total;
}
