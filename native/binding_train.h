// A run of training batches as the binding hands it to network_train_batches: everything the
// loop reads that the main thread could change (the plan, the sample order of these batches,
// the hyper-parameters, the labels of the batch being trained) is a copy owned here.
#pragma once

#include <napi.h>

#include <array>
#include <memory>
#include <vector>

#include "binding_model.h"

namespace binding {

// Stats written by the training entry points: a header, then net.batch_stats doubles per batch.
enum StatsHeader { HEADER_STATUS = 0, HEADER_COMPLETED, HEADER_SAMPLE, HEADER_VALUE, kStatsHeader };

constexpr int kHyperCapacity = 8;

// Work a thread-pool job does; it owns everything it reads except the pinned buffers.
struct Job {
  virtual ~Job() = default;
  // stop/teardown: flags set from other threads asking it to end early (either may be null).
  virtual void execute(const int* stop, const int* teardown) = 0;
  // Rows of each GEMM the job runs (its batch or chunk), which with the layer sizes tells
  // whether OpenBLAS will spread them over its threads.
  virtual long gemm_rows() const = 0;
  virtual const Network& network() const = 0;
};

struct TrainJob : Job {
  std::shared_ptr<const Plan> plan;
  ModelMemory memory;
  TrainRun run;
  std::vector<int> rows;          // the sample order of these batches only, checked
  std::vector<int32_t> labels;    // (batch_size,) scratch for one batch's copied labels
  std::vector<double> schedule;   // (n_batches, 2) learning rate and momentum per batch, or empty
  std::array<double, kHyperCapacity> hyper;
  Optimizer opt;
  double* stats;                  // (kStatsHeader + n_batches · net.batch_stats,)

  // Runs the batches and writes the header; stop/teardown as for network_train_batches.
  void execute(const int* stop, const int* teardown) override;
  long gemm_rows() const override { return run.batch_size; }
  const Network& network() const override { return plan->net; }
};

// What the inference jobs share: the plan and the model's memory at the call, the (n, in_0)
// inputs, and the rows per chunk.
struct InferenceJob : Job {
  std::shared_ptr<const Plan> plan;
  ModelMemory memory;
  const float* x;
  long n;
  int capacity;

  long gemm_rows() const override { return n < capacity ? n : capacity; }
  const Network& network() const override { return plan->net; }
};

// Mean loss and correct count over all of x, in chunks of `capacity` rows: the header, then
// net.batch_stats numbers (the loss and the metric counters).
struct EvaluateJob : InferenceJob {
  Targets targets;
  std::vector<int32_t> labels;    // (capacity,) scratch
  double* stats;

  void execute(const int* stop, const int* teardown) override;
};

// Activated outputs for all of x, in chunks of `capacity` rows, into out (n, outputs).
struct PredictJob : InferenceJob {
  float* out;

  void execute(const int* stop, const int* teardown) override;
};

// The user's targets for n samples (float rows or class labels of any integer kind); their
// buffer goes to *buffer.
Targets targets(Napi::Env env, napi_value v, const Network& net, long n, napi_value* buffer);

// Reads (x, y, rows, batchSize, firstBatch, batchCount, step, stats, schedule, gradNorm) from
// info[0..9]; schedule is a Float64Array of (batchCount, 2) or null.
// `values` receives the arrays it borrows (x, y, stats), for a job to pin.
// A buffer a job reads or writes through a pointer, and its name for messages.
struct Borrowed {
  napi_value buffer;
  const char* name;
};

std::unique_ptr<TrainJob> train_job(const Napi::CallbackInfo& info, const Model& model,
                                    std::vector<Borrowed>* values);

// Queues the job on the libuv thread pool; `control` (Int32Array) element 0, once non-zero,
// stops it before its next batch (null: no control). The promise resolves (to undefined) when
// the job ends; the outcome is in the stats header.
// `borrowed` are the buffers of the job's arrays (x, y, stats, out), pinned here; `model_buffers` were pinned when the
// model bound them and are referenced for the job's length (a new workspace may replace one).
Napi::Promise queue_job(Napi::Env env, std::unique_ptr<Job> job,
                              std::vector<Borrowed> borrowed,
                              const std::vector<napi_value>& model_buffers, napi_value control);

}  // namespace binding
