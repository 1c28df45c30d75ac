// The per-model native object: the plan (the network's description, validated once and owned
// here, so nothing the main thread does can change what a running job reads) and references
// to the model's own buffers (params, grads, workspace, optimizer hyper-parameters and state).
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "network.h"

namespace binding {

// A validated network description. Immutable once built; jobs share it through shared_ptr,
// so a new plan (compile with another loss) never changes one a job is running.
struct Plan {
  std::vector<LayerRecord> layers;
  std::vector<CounterRecord> counters;
  Network net;
};

// The model's buffers at the time of a call, read through the engine and length-checked.
struct ModelMemory {
  float* params;
  float* grads;
  float* ws;
  int capacity;  // rows the workspace holds
};

struct InferenceJob;  // binding_train.h

class Model : public Napi::ObjectWrap<Model> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Model(const Napi::CallbackInfo& info);

  const std::shared_ptr<const Plan>& plan() const { return plan_; }
  ModelMemory memory(Napi::Env env) const;
  // The optimizer, with hyper-parameters copied into `hyper` (kHyperCapacity doubles).
  Optimizer optimizer(Napi::Env env, double* hyper, long step) const;
  // The buffers a job borrows, to pin for its whole run.
  std::vector<napi_value> buffers(Napi::Env env) const;

 private:
  Napi::Value SetWorkspace(const Napi::CallbackInfo& info);
  Napi::Value SetOptimizer(const Napi::CallbackInfo& info);
  Napi::Value Forward(const Napi::CallbackInfo& info);
  Napi::Value Loss(const Napi::CallbackInfo& info);
  Napi::Value Backward(const Napi::CallbackInfo& info);
  Napi::Value OptimizerStep(const Napi::CallbackInfo& info);
  Napi::Value Train(const Napi::CallbackInfo& info);
  Napi::Value TrainAsync(const Napi::CallbackInfo& info);
  Napi::Value Predict(const Napi::CallbackInfo& info);
  Napi::Value Evaluate(const Napi::CallbackInfo& info);
  Napi::Value EvaluateAsync(const Napi::CallbackInfo& info);
  Napi::Value PredictAsync(const Napi::CallbackInfo& info);
  napi_value start_inference(Napi::Env env, InferenceJob* job, napi_value x, napi_value batch_size);

  std::shared_ptr<const Plan> plan_;
  Napi::Reference<Napi::Float32Array> params_, grads_, workspace_, state_;
  Napi::Reference<Napi::Float64Array> hyper_;
  int optimizer_kind_ = -1;
};

}  // namespace binding
