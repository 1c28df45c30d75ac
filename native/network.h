// A sequential stack of layers run over caller-owned memory: parameters, gradients and a
// workspace (activations and deltas) are all borrowed, so nothing here allocates. The network's
// description (the plan) is owned by the binding and never changes while a job reads it.
#pragma once

#include <cstdint>

#include "loss.h"
#include "metrics.h"
#include "optimizer.h"

enum LayerKind {
  LAYER_DENSE = 0,
  LAYER_DROPOUT = 1,  // no parameters; in = out
};
constexpr int kLayerKindCount = 2;

// One layer as the plan records it: its shape and where its numbers live, all in floats.
// The workspace for batches of B rows holds, per layer, an act block at B·act_row and a delta
// block right after it, each (B, out). The last layer's act block holds the pre-activation
// (logits); the activated network output goes to the output block at B·Network::output_row.
struct LayerRecord {
  int kind;      // LayerKind
  int in;        // input features
  int out;       // output features
  int act;       // Activation applied to the output
  float alpha;   // leakyRelu slope
  float rate;    // dropout probability (LAYER_DROPOUT)
  long weight;   // offset of W (out, in) in params and grads (dense)
  long bias;     // offset of b (out,)
  long act_row;  // act block at B·act_row; delta block at B·(act_row + out)
};

struct Network {
  int loss;                    // Loss
  uint32_t seed;               // the model's seed: dropout masks derive from it
  int inputs;                  // in_0
  int n_layers;
  const LayerRecord* layer;    // (n_layers,)
  long param_count;
  long output_row;             // output block at B·output_row; the input block is at 0
  long workspace_row;          // workspace floats per batch row
  int n_counters;
  const CounterRecord* counter;  // (n_counters,) metric counters, after the fixed batch stats
  long batch_stats;            // doubles per batch: kBatchStatsFixed + every counter's width

  const LayerRecord& last() const { return layer[n_layers - 1]; }
  int outputs() const { return last().out; }
  // The last activation is folded into the loss (softmax/sigmoid cross-entropy from logits).
  bool fused_output() const { return loss != LOSS_MSE; }
  long act_offset(int l, int B) const { return (long)B * layer[l].act_row; }
  long delta_offset(int l, int B) const { return (long)B * (layer[l].act_row + layer[l].out); }
  long output_offset(int B) const { return (long)B * output_row; }
  long workspace_size(int B) const { return (long)B * workspace_row; }
};

// Fills every offset of layers (n,) from the shapes (kind, in, out), and returns the totals:
// parameters in PyTorch state_dict order W_0, b_0, W_1, …; the workspace as
//   [input (B, in_0)] [act_0 (B, out_0)] [delta_0 (B, out_0)] … [output (B, out_last)].
// The binding computes this once per plan and checks the caller's offsets against it.
void network_offsets(LayerRecord* layers, int n, int inputs, long* param_count, long* output_row,
                     long* workspace_row);

// The rows of one batch, read in place from the user's (N, in_0) inputs.
struct Batch {
  const float* x;    // (N, in_0)
  const int* rows;   // sample index of every batch row, indexed from `start`; null: consecutive
  long start;
  int size;          // B
  long step;         // training: the optimizer step (dropout masks); kInference: dropout is the identity
};
constexpr long kInference = -1;

// Runs every layer. `output` (B, outputs) receives the activated network output; it may be null
// in training with a fused loss, where the loss reads the logits from the workspace.
void network_forward(const Network& net, float* output, const float* params, float* ws,
                     const Batch& batch);

// Loss of the last forward pass. With `with_grad`, also writes ∂L/∂(last pre-activation) into
// the last layer's delta. For mse the forward pass must have written the workspace's output.
double network_loss(const Network& net, float* ws, const BatchTargets& targets, int B,
                    bool with_grad);

// Backpropagates the last layer's delta through every layer, accumulating into grads.
void network_backward(const Network& net, float* grads, const float* params, float* ws,
                      const Batch& batch);

// What a multi-batch loop writes per batch, in doubles: these fixed slots, then the metric
// counters at their offsets (net.batch_stats in all).
// STAT_GRAD_NORM: ‖∇‖₂ before clipping (training only; NaN when not clipping by norm and not asked).
enum BatchStat { STAT_LOSS = 0, STAT_GRAD_NORM, kBatchStatsFixed };

// Adds the metric counts of the last forward pass to slots (a batch's stats). With an error
// counter and a fused loss, the activated output is first written to the workspace's output block.
// slots: (net.batch_stats,)
void network_count(const Network& net, double* slots, float* ws, const BatchTargets& targets, int B);

// How a run of batches ended. A batch that fails is not applied.
enum JobStatus {
  JOB_DONE = 0,               // every batch ran
  JOB_STOPPED = 1,            // the stop flag was set; `completed` batches ran
  JOB_NON_FINITE_LOSS = 2,    // batch `completed` had a NaN/±Infinity loss (its stats hold it)
  JOB_NON_FINITE_GRADIENT = 3,// batch `completed` had a finite loss but a NaN/±Infinity gradient
  JOB_BAD_LABEL = 4,          // batch `completed` read a class label out of [0, outputs)
};
constexpr int kJobStatusCount = 5;

struct JobResult {
  int status;      // JobStatus
  int completed;   // batches applied
  long sample;     // JOB_BAD_LABEL: the sample whose label was bad
  long value;      // JOB_BAD_LABEL: the label read
};

// The targets of the batch of B rows starting at `start` (of rows, or of the samples when rows is
// null): float rows in place, or class labels copied into labels (B,) and checked. Returns
// false, with status JOB_BAD_LABEL and the sample and label in *result, when one is out of range.
bool network_batch_targets(BatchTargets* out, JobResult* result, const Network& net,
                           const Targets& targets, int32_t* labels, const int* rows, long start,
                           int B);

// A run of training batches: `batch_size` rows of the sample order (rows, or 0..n-1 when rows
// is null) starting at batch number `first_batch`; the last one may be shorter.
struct TrainRun {
  const float* x;          // (n_samples, in_0)
  Targets targets;
  const int* rows;         // sample order of these batches or null; indices already checked
  long rows_base;          // the position in the sample order of rows[0]
  long n_samples;
  int batch_size;
  long first_batch;
  int n_batches;
  // Per batch (n_batches, 2): the learning rate, and the value of the optimizer's momentum slot
  // (NaN: unchanged), written into the hyper-parameters before that batch's update; or null.
  const double* schedule;
  bool grad_norm;          // compute STAT_GRAD_NORM even when not clipping by norm
};

// The fused training loop: for every batch, zero grads → forward → loss → backward → clip →
// update (schedule applied first).
// Stops before starting a batch once *stop or *teardown is non-zero (set from another thread;
// either may be null).
// labels: (batch_size,) scratch for the batch's copied class labels
// stats:  (n_batches, net.batch_stats)
JobResult network_train_batches(const Network& net, float* params, float* grads, float* ws,
                                int32_t* labels, const TrainRun& run, Optimizer& opt,
                                double* stats, const int* stop, const int* teardown);

// Forward over all n samples in chunks of `capacity` rows.
// out: (n, outputs)
void network_predict(const Network& net, float* out, const float* params, float* ws,
                     const float* x, long n, int capacity);

// Mean loss and the metric counters summed over all n samples in chunks of `capacity` rows;
// stops at the first class label out of range (result.status JOB_BAD_LABEL).
// labels: (capacity,) scratch; totals: (net.batch_stats,), laid out as one batch's stats
JobResult network_evaluate(const Network& net, double* totals, const float* params, float* ws,
                           int32_t* labels, const float* x, const Targets& targets, long n,
                           int capacity);
