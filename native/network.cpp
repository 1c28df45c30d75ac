#include "network.h"

#include <cmath>
#include <cstring>

#include "activation.h"
#include "check.h"
#include "clip.h"
#include "dense.h"
#include "dropout.h"

void network_offsets(LayerRecord* layers, int n, int inputs, long* param_count, long* output_row,
                     long* workspace_row) {
  long params = 0, row = inputs;
  for (int l = 0; l < n; l++) {
    LayerRecord& r = layers[l];
    r.weight = params;
    r.bias = r.kind == LAYER_DENSE ? params + (long)r.out * r.in : params;
    if (r.kind == LAYER_DENSE) params = r.bias + r.out;
    r.act_row = row;
    row += 2L * r.out;
  }
  *param_count = params;
  *output_row = row;
  *workspace_row = row + layers[n - 1].out;
}

// The (B, in_0) input of the batch: the user's rows themselves when they are consecutive,
// otherwise the workspace's input block (filled by gather_input).
static const float* batch_input(const Network& net, const float* ws, const Batch& batch) {
  if (batch.rows == nullptr) return batch.x + batch.start * net.inputs;
  return ws;
}

// Copies a shuffled batch's rows into the workspace so the first GEMM reads contiguous memory.
static void gather_input(const Network& net, float* ws, const Batch& batch) {
  if (batch.rows == nullptr) return;
  int C = net.inputs;
  for (int b = 0; b < batch.size; b++)
    std::memcpy(ws + (long)b * C, batch.x + (long)batch.rows[batch.start + b] * C,
                sizeof(float) * C);
}

static DropoutKey dropout_key(const Network& net, const Batch& batch, int l) {
  return DropoutKey{net.seed, (uint32_t)batch.step, (uint32_t)l};
}

// One layer forward: act (B, out) = f(layer(input)), the activation left to the caller for the
// last layer (whose act block keeps the logits).
static void layer_forward(const Network& net, int l, float* act, const float* input,
                          const float* params, const Batch& batch) {
  const LayerRecord& r = net.layer[l];
  int B = batch.size;
  switch (r.kind) {
    case LAYER_DENSE:
      dense_forward(act, input, params + r.weight, params + r.bias, B, r.in, r.out);
      break;
    case LAYER_DROPOUT:
      if (batch.step == kInference) std::memcpy(act, input, sizeof(float) * B * r.out);
      else dropout_forward(act, input, B, r.out, r.rate, dropout_key(net, batch, l));
      break;
  }
}

// One layer backward from the delta of its output: accumulates its parameter gradients and
// writes dinput (B, in), unless dinput is null (the first layer).
static void layer_backward(const Network& net, int l, float* dinput, float* grads,
                           const float* delta, const float* input, const float* params,
                           const Batch& batch) {
  const LayerRecord& r = net.layer[l];
  int B = batch.size;
  switch (r.kind) {
    case LAYER_DENSE:
      dense_backward(dinput, grads + r.weight, grads + r.bias, delta, input, params + r.weight, B,
                     r.in, r.out);
      break;
    case LAYER_DROPOUT:
      if (dinput != nullptr) dropout_backward(dinput, delta, B, r.out, r.rate, dropout_key(net, batch, l));
      break;
  }
}

void network_forward(const Network& net, float* output, const float* params, float* ws,
                     const Batch& batch) {
  int B = batch.size, L = net.n_layers;
  gather_input(net, ws, batch);
  const float* input = batch_input(net, ws, batch);
  for (int l = 0; l < L; l++) {
    const LayerRecord& r = net.layer[l];
    float* act = ws + net.act_offset(l, B);
    layer_forward(net, l, act, input, params, batch);
    if (l < L - 1) activation_forward(act, B, r.out, r.act, r.alpha);
    input = act;
  }
  if (output != nullptr) {
    const LayerRecord& r = net.last();
    std::memcpy(output, input, sizeof(float) * B * r.out);
    activation_forward(output, B, r.out, r.act, r.alpha);
  }
}

double network_loss(const Network& net, float* ws, const BatchTargets& targets, int B,
                    bool with_grad) {
  int L = net.n_layers, K = net.outputs();
  const float* logits = ws + net.act_offset(L - 1, B);
  float* delta = with_grad ? ws + net.delta_offset(L - 1, B) : nullptr;
  switch (net.loss) {
    case LOSS_CATEGORICAL_CROSSENTROPY:
      return softmax_crossentropy_loss(delta, logits, targets, B, K);
    case LOSS_BINARY_CROSSENTROPY:
      return sigmoid_bce_loss(delta, logits, targets, B, K);
    default: {
      const float* output = ws + net.output_offset(B);
      double loss = mse_loss(delta, output, targets, B, K);
      if (delta != nullptr) activation_backward(delta, output, B, K, net.last().act, net.last().alpha);
      return loss;
    }
  }
}

void network_backward(const Network& net, float* grads, const float* params, float* ws,
                      const Batch& batch) {
  int B = batch.size;
  for (int l = net.n_layers - 1; l >= 0; l--) {
    const float* input = l == 0 ? batch_input(net, ws, batch) : ws + net.act_offset(l - 1, B);
    float* dinput = l == 0 ? nullptr : ws + net.delta_offset(l - 1, B);
    layer_backward(net, l, dinput, grads, ws + net.delta_offset(l, B), input, params, batch);
    if (l > 0) {
      const LayerRecord& below = net.layer[l - 1];
      activation_backward(dinput, input, B, below.out, below.act, below.alpha);
    }
  }
}

void network_count(const Network& net, double* slots, float* ws, const BatchTargets& targets, int B) {
  if (net.n_counters == 0) return;
  int K = net.outputs();
  float* output = ws + net.output_offset(B);
  // For the fused losses the scores are the logits: argmax and "> 0" on logits agree with
  // argmax and "> 0.5" on the softmax/sigmoid outputs, so only the error counters need those.
  const float* scores = net.fused_output() ? ws + net.act_offset(net.n_layers - 1, B) : output;
  if (net.fused_output()) {
    for (int m = 0; m < net.n_counters; m++) {
      int kind = net.counter[m].kind;
      if (kind == COUNTER_ABS_ERROR || kind == COUNTER_SQUARED_ERROR) {
        std::memcpy(output, scores, sizeof(float) * B * K);
        activation_forward(output, B, K, net.last().act, net.last().alpha);
        break;
      }
    }
  }
  counters_accumulate(slots, net.counter, net.n_counters, scores, output, targets, B, K, net.loss);
}

bool network_batch_targets(BatchTargets* out, JobResult* result, const Network& net,
                           const Targets& targets, int32_t* labels, const int* rows, long start,
                           int B) {
  if (targets.type != TARGET_DENSE) {
    long value = 0;
    int bad = gather_labels(labels, &value, targets, rows, start, B, net.outputs());
    if (bad >= 0) {
      result->status = JOB_BAD_LABEL;
      result->sample = rows != nullptr ? rows[start + bad] : start + bad;
      result->value = value;
      return false;
    }
  }
  *out = batch_targets(targets, labels, rows, start);
  return true;
}

static bool stop_requested(const int* flag) {
  // Relaxed is enough: the flag only asks the loop to end early, it guards no other data.
  return flag != nullptr && __atomic_load_n(flag, __ATOMIC_RELAXED) != 0;
}

JobResult network_train_batches(const Network& net, float* params, float* grads, float* ws,
                                int32_t* labels, const TrainRun& run, Optimizer& opt,
                                double* stats, const int* stop, const int* teardown) {
  long n_params = net.param_count;
  JobResult result{JOB_DONE, 0, 0, 0};
  // The clip factor of the last applied batch, which its update folded in: grads are rescaled
  // in place once, when the run ends, so that they read as clipped afterwards (as in PyTorch).
  float pending_scale = 1.0f;
  auto end = [&](int status) {
    if (pending_scale != 1.0f) clip_scale(grads, (int)n_params, pending_scale);
    opt.grad_scale = 1.0f;
    result.status = status;
    return result;
  };
  for (int i = 0; i < run.n_batches; i++, result.completed = i) {
    if (stop_requested(stop) || stop_requested(teardown)) return end(JOB_STOPPED);
    long start = (run.first_batch + i) * run.batch_size;
    int B = (int)(run.n_samples - start < run.batch_size ? run.n_samples - start : run.batch_size);
    long row_start = run.rows != nullptr ? start - run.rows_base : start;
    Batch batch{run.x, run.rows, row_start, B, opt.step};
    BatchTargets targets;
    if (!network_batch_targets(&targets, &result, net, run.targets, labels, run.rows, row_start, B))
      return end(JOB_BAD_LABEL);

    std::memset(grads, 0, sizeof(float) * n_params);
    pending_scale = 1.0f;
    network_forward(net, net.fused_output() ? nullptr : ws + net.output_offset(B), params, ws,
                    batch);
    double loss = network_loss(net, ws, targets, B, true);
    double* s = stats + (long)i * net.batch_stats;
    std::memset(s, 0, sizeof(double) * net.batch_stats);
    s[STAT_LOSS] = loss;
    network_count(net, s, ws, targets, B);
    if (!std::isfinite(loss)) return end(JOB_NON_FINITE_LOSS);
    network_backward(net, grads, params, ws, batch);
    // float32 can overflow where the double loss does not (inputs of 1e20 under mse): such a
    // gradient would leave non-finite weights behind, so its batch is refused like a NaN loss.
    if (!all_finite(grads, n_params)) return end(JOB_NON_FINITE_GRADIENT);
    double* h = opt.hyper;
    if (h[HYPER_CLIP_NORM] > 0 || h[HYPER_CLIP_VALUE] > 0 || run.grad_norm)
      s[STAT_GRAD_NORM] = clip_gradients(grads, (int)n_params, h[HYPER_CLIP_NORM], h[HYPER_CLIP_VALUE], &pending_scale);
    else
      s[STAT_GRAD_NORM] = NAN;
    if (run.schedule != nullptr) {
      h[HYPER_LR] = run.schedule[2L * i];
      double momentum = run.schedule[2L * i + 1];
      if (!std::isnan(momentum)) h[optimizer_momentum_slot(opt.kind)] = momentum;
    }
    opt.grad_scale = pending_scale;
    optimizer_step(params, grads, (int)n_params, opt);
  }
  return end(JOB_DONE);
}

void network_predict(const Network& net, float* out, const float* params, float* ws,
                     const float* x, long n, int capacity) {
  for (long start = 0; start < n; start += capacity) {
    int B = (int)(n - start < capacity ? n - start : capacity);
    network_forward(net, out + start * net.outputs(), params, ws, Batch{x, nullptr, start, B, kInference});
  }
}

JobResult network_evaluate(const Network& net, double* totals, const float* params, float* ws,
                           int32_t* labels, const float* x, const Targets& targets, long n,
                           int capacity) {
  JobResult result{JOB_DONE, 0, 0, 0};
  double loss = 0.0;
  std::memset(totals, 0, sizeof(double) * net.batch_stats);
  for (long start = 0; start < n; start += capacity) {
    int B = (int)(n - start < capacity ? n - start : capacity);
    BatchTargets t;
    if (!network_batch_targets(&t, &result, net, targets, labels, nullptr, start, B)) return result;
    network_forward(net, net.fused_output() ? nullptr : ws + net.output_offset(B), params, ws,
                    Batch{x, nullptr, start, B, kInference});
    // Every loss is a mean over rows of equal width, so weighting by rows gives the full mean.
    loss += network_loss(net, ws, t, B, false) * B;
    network_count(net, totals, ws, t, B);
  }
  totals[STAT_LOSS] = loss / (double)n;
  totals[STAT_GRAD_NORM] = NAN;
  return result;
}
