// The N-API layer: the only file that sees JavaScript values. It borrows typed-array pointers,
// re-checks every size and index that the kernels will trust (the TypeScript layer has already
// validated with friendlier messages; this is the last line against a segfault), and turns any
// violation into a JS exception.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "activation.h"
#include "blas.h"
#include "check.h"
#include "gemm.h"
#include "network.h"
#include "optimizer.h"

namespace {

[[noreturn]] void fail(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, "blastrain native: " + message);
}

template <typename T>
struct Span {
  T* data;
  long length;
};

template <typename T>
Span<T> typed_array(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type,
                    const char* name) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type)
    fail(info.Env(), std::string(name) + " has the wrong typed-array kind");
  auto array = v.As<Napi::TypedArrayOf<T>>();
  return Span<T>{array.Data(), (long)array.ElementLength()};
}

Span<float> f32(const Napi::CallbackInfo& info, size_t i, const char* name, long min_length) {
  Span<float> s = typed_array<float>(info, i, napi_float32_array, name);
  if (s.length < min_length || (min_length > 0 && s.data == nullptr))
    fail(info.Env(), std::string(name) + " is shorter than " + std::to_string(min_length) +
                         " elements (detached?)");
  return s;
}

long integer(const Napi::CallbackInfo& info, size_t i, const char* name, long min, long max) {
  Napi::Value v = info[i];
  double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
  if (!(d >= (double)min && d <= (double)max) || d != std::floor(d))
    fail(info.Env(), std::string(name) + " must be an integer in [" + std::to_string(min) + ", " +
                         std::to_string(max) + "]");
  return (long)d;
}

Network network(const Napi::CallbackInfo& info, size_t i) {
  Span<int32_t> spec = typed_array<int32_t>(info, i, napi_int32_array, "spec");
  Span<float> alpha = typed_array<float>(info, i + 1, napi_float32_array, "alpha");
  Napi::Env env = info.Env();
  if (spec.length < 5 || spec.data[1] < 1 || spec.length != 3 + 2L * spec.data[1])
    fail(env, "spec is malformed");
  if (alpha.length < spec.data[1]) fail(env, "alpha has fewer entries than layers");
  Network net{spec.data, alpha.data};
  if (net.loss() < 0 || net.loss() >= kLossCount) fail(env, "spec has an unknown loss");
  if (net.inputs() < 1) fail(env, "spec has a non-positive input size");
  for (int l = 0; l < net.layers(); l++) {
    if (net.out(l) < 1) fail(env, "spec has a non-positive layer size");
    if (net.act(l) < 0 || net.act(l) >= kActivationCount) fail(env, "spec has an unknown activation");
    if (!(net.alpha[l] >= 0.0f)) fail(env, "alpha must be non-negative");
  }
  // BLAS takes int sizes: keep every count that reaches it below 2^31.
  double params = 0;
  for (int l = 0; l < net.layers(); l++) params += (double)net.out(l) * (net.in(l) + 1.0);
  if (params >= 2147483647.0) fail(env, "the network has 2^31 or more parameters");
  return net;
}

// The user's (N, in_0) inputs; N is implied by the length.
struct Inputs {
  const float* x;
  long n;
};

Inputs inputs(const Napi::CallbackInfo& info, size_t i, const Network& net) {
  Span<float> x = f32(info, i, "x", 1);
  if (x.length % net.inputs() != 0) fail(info.Env(), "x length is not a multiple of the input size");
  return Inputs{x.data, x.length / net.inputs()};
}

// Optional Int32Array of sample indices (null/undefined → consecutive rows).
const int32_t* rows(const Napi::CallbackInfo& info, size_t i, long n, long start, long count) {
  if (info[i].IsNull() || info[i].IsUndefined()) {
    if (start + count > n) fail(info.Env(), "batch runs past the last sample");
    return nullptr;
  }
  Span<int32_t> r = typed_array<int32_t>(info, i, napi_int32_array, "rows");
  if (start + count > r.length) fail(info.Env(), "batch runs past the end of rows");
  for (long k = start; k < start + count; k++)
    if (r.data[k] < 0 || r.data[k] >= n) fail(info.Env(), "rows holds a sample index out of range");
  return r.data;
}

int target_type(napi_typedarray_type type) {
  switch (type) {
    case napi_float32_array: return TARGET_DENSE;
    case napi_uint8_array: return TARGET_U8;
    case napi_int8_array: return TARGET_I8;
    case napi_uint16_array: return TARGET_U16;
    case napi_int16_array: return TARGET_I16;
    case napi_uint32_array: return TARGET_U32;
    case napi_int32_array: return TARGET_I32;
    default: return -1;
  }
}

// Targets for n samples; checks the labels of the batch rows [start, start + count) when the
// targets are class labels.
Targets targets(const Napi::CallbackInfo& info, size_t i, const Network& net, long n,
                const int32_t* row_index, long start, long count) {
  Napi::Env env = info.Env();
  if (!info[i].IsTypedArray()) fail(env, "y must be a typed array");
  auto y = info[i].As<Napi::TypedArray>();
  int type = target_type(y.TypedArrayType());
  if (type < 0) fail(env, "y has an unsupported typed-array kind");
  long length = (long)y.ElementLength();
  void* data = static_cast<uint8_t*>(y.ArrayBuffer().Data()) + y.ByteOffset();
  Targets t{data, type, row_index, start};
  if (type == TARGET_DENSE) {
    if (length != n * net.outputs()) fail(env, "y length is not samples × outputs");
    return t;
  }
  if (net.loss() != LOSS_CATEGORICAL_CROSSENTROPY) fail(env, "class labels need categoricalCrossentropy");
  if (length != n) fail(env, "y length is not the number of samples");
  for (long b = 0; b < count; b++) {
    long label = target_label(t, target_sample(t, (int)b));
    if (label < 0 || label >= net.outputs()) fail(env, "y holds a class label out of range");
  }
  return t;
}

// The largest batch a workspace of this length holds.
int capacity(const Napi::CallbackInfo& info, const Network& net, long ws_length) {
  long per_row = net.workspace_size(1);
  if (ws_length < per_row) fail(info.Env(), "workspace is too small for one row");
  long rows = ws_length / per_row;
  return rows > 2147483647L ? 2147483647 : (int)rows;
}

Optimizer optimizer(const Napi::CallbackInfo& info, size_t i, long n) {
  int kind = (int)integer(info, i, "optimizer kind", 0, kOptimizerCount - 1);
  Span<double> hyper = typed_array<double>(info, i + 1, napi_float64_array, "hyper");
  if (hyper.length < optimizer_hyper_count(kind)) fail(info.Env(), "hyper is too short");
  Span<float> state = f32(info, i + 2, "optimizer state", optimizer_state_count(kind) * n);
  long step = integer(info, i + 3, "step", 0, 1L << 52);
  return Optimizer{kind, hyper.data, state.data, step};
}

// blasInfo() → { config, corename, threads, processors, parallel }
Napi::Value BlasInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("config", openblas_get_config());
  o.Set("corename", openblas_get_corename());
  o.Set("threads", openblas_get_num_threads());
  o.Set("processors", openblas_get_num_procs());
  o.Set("parallel", openblas_get_parallel());
  return o;
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  openblas_set_num_threads((int)integer(info, 0, "threads", 1, 1024));
  return info.Env().Undefined();
}

// The leading arguments of forward, predict and evaluate: (spec, alpha, params, ws, x, ...).
struct Inference {
  Network net;
  float* params;
  float* ws;
  Inputs in;
  int capacity;  // rows the workspace holds
};

Inference inference(const Napi::CallbackInfo& info) {
  Network net = network(info, 0);
  Span<float> params = f32(info, 2, "params", net.param_count());
  Span<float> ws = f32(info, 3, "workspace", 1);
  return Inference{net, params.data, ws.data, inputs(info, 4, net), capacity(info, net, ws.length)};
}

// forward(spec, alpha, params, ws, x, rows, start, count): output lands in the workspace.
Napi::Value Forward(const Napi::CallbackInfo& info) {
  Inference a = inference(info);
  long start = integer(info, 6, "start", 0, a.in.n);
  int count = (int)integer(info, 7, "count", 1, a.capacity);
  const int32_t* r = rows(info, 5, a.in.n, start, count);
  network_forward(a.net, a.ws + a.net.output_offset(count), a.params, a.ws,
                  Batch{a.in.x, r, start, count});
  return info.Env().Undefined();
}

// loss(spec, alpha, ws, y, n, rows, start, count, withGrad) → loss of the last forward pass
Napi::Value Loss(const Napi::CallbackInfo& info) {
  Network net = network(info, 0);
  Span<float> ws = f32(info, 2, "workspace", 1);
  // Typed arrays hold fewer than 2^32 elements, so n · outputs stays below 2^63.
  long n = integer(info, 4, "samples", 1, 1L << 32);
  long start = integer(info, 6, "start", 0, n);
  int count = (int)integer(info, 7, "count", 1, capacity(info, net, ws.length));
  const int32_t* r = rows(info, 5, n, start, count);
  Targets t = targets(info, 3, net, n, r, start, count);
  double loss = network_loss(net, ws.data, t, count, info[8].ToBoolean().Value());
  return Napi::Number::New(info.Env(), loss);
}

// backward(spec, alpha, params, grads, ws, x, rows, start, count): accumulates into grads
Napi::Value Backward(const Napi::CallbackInfo& info) {
  Network net = network(info, 0);
  Span<float> params = f32(info, 2, "params", net.param_count());
  Span<float> grads = f32(info, 3, "grads", net.param_count());
  Span<float> ws = f32(info, 4, "workspace", 1);
  Inputs in = inputs(info, 5, net);
  long start = integer(info, 7, "start", 0, in.n);
  int count = (int)integer(info, 8, "count", 1, capacity(info, net, ws.length));
  const int32_t* r = rows(info, 6, in.n, start, count);
  network_backward(net, grads.data, params.data, ws.data, Batch{in.x, r, start, count});
  return info.Env().Undefined();
}

// optimizerStep(kind, hyper, state, step, params, grads)
Napi::Value OptimizerStep(const Napi::CallbackInfo& info) {
  Span<float> params = f32(info, 4, "params", 1);
  Span<float> grads = f32(info, 5, "grads", params.length);
  if (params.length >= 2147483647L) fail(info.Env(), "params has 2^31 or more elements");
  Optimizer opt = optimizer(info, 0, params.length);
  optimizer_step(params.data, grads.data, (int)params.length, opt);
  return info.Env().Undefined();
}

// One run of the fused training loop, checked and borrowed from the call's arguments:
//   (spec, alpha, params, grads, ws, x, y, rows, batchSize, firstBatch, batchCount,
//    kind, hyper, state, step, stats)
struct TrainCall {
  Network net;
  float* params;
  float* grads;
  float* ws;
  const float* x;
  Targets targets;
  long n_samples;
  int batch_size;
  long first_batch;
  int n_batches;
  Optimizer opt;
  BatchStats* stats;

  int run(const int* stop) {
    return network_train_batches(net, params, grads, ws, x, targets, n_samples, batch_size,
                                 first_batch, n_batches, opt, stats, stop);
  }
};
constexpr size_t kTrainArgs = 16;

TrainCall train_call(const Napi::CallbackInfo& info) {
  Network net = network(info, 0);
  long n_params = net.param_count();
  Span<float> params = f32(info, 2, "params", n_params);
  Span<float> grads = f32(info, 3, "grads", n_params);
  Span<float> ws = f32(info, 4, "workspace", 1);
  Inputs in = inputs(info, 5, net);
  int batch_size = (int)integer(info, 8, "batchSize", 1, capacity(info, net, ws.length));
  long n_batch_total = (in.n + batch_size - 1) / batch_size;
  long first = integer(info, 9, "firstBatch", 0, n_batch_total - 1);
  int n_batches = (int)integer(info, 10, "batchCount", 1, n_batch_total - first);
  long start = first * batch_size;
  long end = std::min(in.n, (first + n_batches) * (long)batch_size);
  const int32_t* r = rows(info, 7, in.n, start, end - start);
  Targets t = targets(info, 6, net, in.n, r, start, end - start);
  Optimizer opt = optimizer(info, 11, n_params);
  Span<double> stats = typed_array<double>(info, 15, napi_float64_array, "stats");
  if (stats.length < 2L * n_batches) fail(info.Env(), "stats is too short");
  return TrainCall{net, params.data, grads.data, ws.data, in.x, t, in.n, batch_size, first,
                   n_batches, opt, reinterpret_cast<BatchStats*>(stats.data)};
}

// trainBatches(...TrainCall args, checkFinite) → batches completed, on the calling thread.
// With checkFinite (trainStep's one-call path), x and float y are first scanned whole; a
// non-finite value returns -1 with stats[0] = 0 for x or 1 for y and stats[1] = its index, and
// nothing is trained.
Napi::Value TrainBatches(const Napi::CallbackInfo& info) {
  TrainCall call = train_call(info);
  if (info[kTrainArgs].ToBoolean()) {
    Span<float> x = f32(info, 5, "x", 1);
    long bad_x = first_non_finite(x.data, x.length);
    long bad_y = -1;
    if (bad_x < 0 && call.targets.type == TARGET_DENSE) {
      Span<float> y = f32(info, 6, "y", 1);
      bad_y = first_non_finite(y.data, y.length);
    }
    if (bad_x >= 0 || bad_y >= 0) {
      call.stats[0] = BatchStats{bad_x >= 0 ? 0.0 : 1.0, (double)(bad_x >= 0 ? bad_x : bad_y)};
      return Napi::Number::New(info.Env(), -1);
    }
  }
  return Napi::Number::New(info.Env(), call.run(nullptr));
}

// Runs a TrainCall on the libuv thread pool. Every array the call borrows is held by a
// reference until the job ends, so garbage collection cannot free memory the loop is using.
class TrainWorker : public Napi::AsyncWorker {
 public:
  TrainWorker(const Napi::CallbackInfo& info, const TrainCall& call, const int* stop)
      : Napi::AsyncWorker(info.Env(), "blastrain:trainBatches"),
        call_(call),
        stop_(stop),
        deferred_(Napi::Promise::Deferred::New(info.Env())) {
    for (size_t i = 0; i < info.Length(); i++)
      if (info[i].IsObject()) pins_.push_back(Napi::Persistent(info[i].As<Napi::Object>()));
  }
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override { done_ = call_.run(stop_); }
  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), done_)); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  TrainCall call_;
  const int* stop_;
  int done_ = 0;
  Napi::Promise::Deferred deferred_;
  std::vector<Napi::ObjectReference> pins_;
};

// trainBatchesAsync(...TrainCall args, control) → Promise<batches completed>
// control: Int32Array whose element 0, once non-zero, stops the loop before its next batch.
Napi::Value TrainBatchesAsync(const Napi::CallbackInfo& info) {
  TrainCall call = train_call(info);
  Span<int32_t> control = typed_array<int32_t>(info, kTrainArgs, napi_int32_array, "control");
  if (control.length < 1) fail(info.Env(), "control is empty");
  auto* worker = new TrainWorker(info, call, control.data);
  worker->Queue();
  return worker->Promise();
}

// predict(spec, alpha, params, ws, x, out)
Napi::Value Predict(const Napi::CallbackInfo& info) {
  Inference a = inference(info);
  Span<float> out = f32(info, 5, "out", a.in.n * a.net.outputs());
  network_predict(a.net, out.data, a.params, a.ws, a.in.x, a.in.n, a.capacity);
  return info.Env().Undefined();
}

// evaluate(spec, alpha, params, ws, x, y) → [meanLoss, correct]
Napi::Value Evaluate(const Napi::CallbackInfo& info) {
  Inference a = inference(info);
  Targets t = targets(info, 5, a.net, a.in.n, nullptr, 0, a.in.n);
  BatchStats s = network_evaluate(a.net, a.params, a.ws, a.in.x, t, a.in.n, a.capacity);
  Napi::Array result = Napi::Array::New(info.Env(), 2);
  result.Set(0u, s.loss);
  result.Set(1u, s.correct);
  return result;
}

// gemmRepeat(M, N, K, transA, transB, iterations, a, b, c): the benchmark's sgemm probe
Napi::Value GemmRepeat(const Napi::CallbackInfo& info) {
  const long limit = 1L << 20;
  int M = (int)integer(info, 0, "M", 1, limit);
  int N = (int)integer(info, 1, "N", 1, limit);
  int K = (int)integer(info, 2, "K", 1, limit);
  int iterations = (int)integer(info, 5, "iterations", 0, 1L << 30);
  Span<float> a = f32(info, 6, "a", (long)M * K);
  Span<float> b = f32(info, 7, "b", (long)K * N);
  Span<float> c = f32(info, 8, "c", (long)M * N);
  sgemm_repeat(c.data, a.data, b.data, M, N, K, info[3].ToBoolean(), info[4].ToBoolean(),
               iterations);
  return info.Env().Undefined();
}

// firstNonFinite(a) → index of the first NaN/±Infinity, or -1
Napi::Value FirstNonFinite(const Napi::CallbackInfo& info) {
  Span<float> a = f32(info, 0, "array", 0);
  return Napi::Number::New(info.Env(), (double)first_non_finite(a.data, a.length));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("blasInfo", Napi::Function::New(env, BlasInfo));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("forward", Napi::Function::New(env, Forward));
  exports.Set("loss", Napi::Function::New(env, Loss));
  exports.Set("backward", Napi::Function::New(env, Backward));
  exports.Set("optimizerStep", Napi::Function::New(env, OptimizerStep));
  exports.Set("trainBatches", Napi::Function::New(env, TrainBatches));
  exports.Set("trainBatchesAsync", Napi::Function::New(env, TrainBatchesAsync));
  exports.Set("predict", Napi::Function::New(env, Predict));
  exports.Set("evaluate", Napi::Function::New(env, Evaluate));
  exports.Set("firstNonFinite", Napi::Function::New(env, FirstNonFinite));
  exports.Set("gemmRepeat", Napi::Function::New(env, GemmRepeat));
  return exports;
}

}  // namespace

NODE_API_MODULE(blastrain, Init)
