#include "binding_model.h"

#include <algorithm>
#include <string>

#include "activation.h"
#include "binding_args.h"
#include "binding_train.h"
#include "check.h"

namespace binding {

namespace {

// One property of the plan description, read once.
long field(Napi::Env env, Napi::Object o, const char* key, long min, long max) {
  return integer(env, o.Get(key), key, min, max);
}

// BLAS takes int sizes: every count that reaches it stays below 2^31.
constexpr long kIntMax = 2147483647L;

// The metric counters of plan.counters, each checked against the loss and output width, with
// offsets checked against the ones computed here; returns the doubles a batch's stats take.
long read_counters(Napi::Env env, Napi::Value list, std::vector<CounterRecord>* out, int loss, int K) {
  if (!list.IsArray()) fail(env, kInvalidArgument, "plan.counters must be an array");
  Napi::Array counters = list.As<Napi::Array>();
  uint32_t n = counters.Length();
  if (n > 64) fail(env, kInvalidArgument, "plan.counters must hold at most 64 counters");
  long offset = kBatchStatsFixed;
  for (uint32_t m = 0; m < n; m++) {
    Napi::Value entry = counters.Get(m);
    if (!entry.IsObject()) fail(env, kInvalidArgument, "plan.counters entries must be objects");
    Napi::Object r = entry.As<Napi::Object>();
    CounterRecord c;
    c.kind = (int)field(env, r, "kind", 0, kCounterKindCount - 1);
    c.param = (int)field(env, r, "param", 0, kIntMax);
    c.offset = field(env, r, "offset", 0, 1L << 53);
    long width = counter_width(c.kind, c.param, loss, K);
    if (width == 0) fail(env, kInvalidArgument, "plan.counters[" + std::to_string(m) + "] does not fit the loss and outputs");
    if (c.offset != offset) fail(env, kInvalidArgument, "plan.counters[" + std::to_string(m) + "] has an offset that disagrees with the widths");
    offset += width;
    out->push_back(c);
  }
  return offset;
}

// Builds the plan from its description (lib/layout.ts, Layout.plan()):
//   { loss, inputSize, paramCount, outputRow, workspaceRow, batchStats,
//     layers: [{ kind, units, activation, alpha, weightOffset, biasOffset, actRow }],
//     counters: [{ kind, param, offset }] }
// and checks every offset the caller computed against the ones computed here from the shapes,
// so TypeScript and C++ cannot silently disagree about where a number lives.
std::shared_ptr<const Plan> build_plan(Napi::Env env, Napi::Value value) {
  if (!value.IsObject()) fail(env, kInvalidArgument, "the plan must be an object");
  Napi::Object d = value.As<Napi::Object>();
  auto plan = std::make_shared<Plan>();
  int loss = (int)field(env, d, "loss", 0, kLossCount - 1);
  int inputs = (int)field(env, d, "inputSize", 1, kIntMax);
  Napi::Value list = d.Get("layers");
  if (!list.IsArray()) fail(env, kInvalidArgument, "plan.layers must be an array");
  Napi::Array layers = list.As<Napi::Array>();
  uint32_t n = layers.Length();
  if (n < 1 || n > 4096) fail(env, kInvalidArgument, "plan.layers must hold 1 to 4096 layers");
  std::vector<LayerRecord> given(n);
  int in = inputs;
  for (uint32_t l = 0; l < n; l++) {
    Napi::Value entry = layers.Get(l);
    if (!entry.IsObject()) fail(env, kInvalidArgument, "plan.layers entries must be objects");
    Napi::Object r = entry.As<Napi::Object>();
    LayerRecord& g = given[l];
    g.kind = (int)field(env, r, "kind", 0, kLayerKindCount - 1);
    g.in = in;
    g.out = (int)field(env, r, "units", 1, kIntMax);
    g.act = (int)field(env, r, "activation", 0, kActivationCount - 1);
    double alpha = r.Get("alpha").IsNumber() ? r.Get("alpha").As<Napi::Number>().DoubleValue() : -1;
    if (!(alpha >= 0.0 && alpha < 1e30)) fail(env, kInvalidArgument, "alpha must be a finite number ≥ 0");
    g.alpha = (float)alpha;
    double rate = r.Get("rate").IsNumber() ? r.Get("rate").As<Napi::Number>().DoubleValue() : -1;
    if (!(rate >= 0.0 && rate < 1.0)) fail(env, kInvalidArgument, "rate must be a number in [0, 1)");
    g.rate = (float)rate;
    if (g.kind == LAYER_DROPOUT && (g.out != in || g.act != ACT_LINEAR))
      fail(env, kInvalidArgument, "a dropout layer keeps its input size and has no activation");
    g.weight = field(env, r, "weightOffset", 0, 1L << 53);
    g.bias = field(env, r, "biasOffset", 0, 1L << 53);
    g.act_row = field(env, r, "actRow", 0, 1L << 53);
    in = g.out;
  }
  double params = 0, row = inputs;
  for (const LayerRecord& g : given) {
    if (g.kind == LAYER_DENSE) params += (double)g.out * (g.in + 1.0);
    row += 3.0 * g.out;
  }
  if (params >= (double)kIntMax) fail(env, kInvalidArgument, "the network has 2^31 or more parameters");
  if (row >= (double)kIntMax) fail(env, kInvalidArgument, "the network's workspace row is 2^31 floats or more");

  plan->layers = given;
  Network& net = plan->net;
  network_offsets(plan->layers.data(), (int)n, inputs, &net.param_count, &net.output_row,
                  &net.workspace_row);
  for (uint32_t l = 0; l < n; l++) {
    const LayerRecord &a = given[l], &b = plan->layers[l];
    if (a.weight != b.weight || a.bias != b.bias || a.act_row != b.act_row)
      fail(env, kInvalidArgument, "plan.layers[" + std::to_string(l) + "] has offsets that disagree with its shapes");
  }
  if (field(env, d, "paramCount", 0, 1L << 53) != net.param_count ||
      field(env, d, "outputRow", 0, 1L << 53) != net.output_row ||
      field(env, d, "workspaceRow", 0, 1L << 53) != net.workspace_row)
    fail(env, kInvalidArgument, "the plan's totals disagree with its layers");
  net.loss = loss;
  net.seed = (uint32_t)field(env, d, "seed", 0, 0xffffffffL);
  net.inputs = inputs;
  net.n_layers = (int)n;
  net.layer = plan->layers.data();
  net.batch_stats = read_counters(env, d.Get("counters"), &plan->counters, loss, net.outputs());
  if (field(env, d, "batchStats", 0, 1L << 53) != net.batch_stats)
    fail(env, kInvalidArgument, "plan.batchStats disagrees with its counters");
  net.n_counters = (int)plan->counters.size();
  net.counter = plan->counters.data();
  return plan;
}

// (N, in_0) inputs; N is implied by the length.
struct Inputs {
  const float* x;
  long n;
};

Inputs inputs(Napi::Env env, napi_value v, const Network& net) {
  Span<float> x = f32(env, v, "x", 1);
  if (x.length % net.inputs != 0) fail(env, kShape, "x length is not a multiple of the input size");
  return Inputs{x.data, x.length / net.inputs};
}

// The batch rows [start, start + count) of the sample order, copied and checked, or consecutive
// samples (empty copy) when rows is null/undefined.
std::vector<int> batch_rows(Napi::Env env, napi_value v, long n, long start, long count) {
  if (is_nullish(env, v)) {
    if (start + count > n) fail(env, kShape, "the batch runs past the last sample");
    return {};
  }
  Span<int32_t> r = typed_array<int32_t>(env, v, napi_int32_array, "rows");
  if (start + count > r.length) fail(env, kShape, "the batch runs past the end of rows");
  std::vector<int> rows(r.data + start, r.data + start + count);
  for (int i : rows)
    if (i < 0 || i >= n) fail(env, kInvalidArgument, "rows holds a sample index out of range");
  return rows;
}

// forward's and backward's (x, rows, start, count, step): one batch of the user's inputs, its
// rows (a checked copy) owned here, and the training step (−1: inference) for dropout.
struct BatchCall {
  Inputs in;
  std::vector<int> rows;
  long start;
  int count;
  long step;

  Batch batch() const {
    return rows.empty() ? Batch{in.x, nullptr, start, count, step} : Batch{in.x, rows.data(), 0, count, step};
  }
};

BatchCall batch_call(const Napi::CallbackInfo& info, const Network& net, int capacity) {
  Napi::Env env = info.Env();
  Inputs in = inputs(env, info[0], net);
  long start = integer(env, info[2], "start", 0, in.n);
  int count = (int)integer(env, info[3], "count", 1, capacity);
  long step = integer(env, info[4], "step", kInference, 1L << 52);
  return BatchCall{in, batch_rows(env, info[1], in.n, start, count), start, count, step};
}

// A sync entry point's error for a label the kernels refused.
[[noreturn]] void bad_label(Napi::Env env, const JobResult& r, int classes) {
  fail(env, kInvalidArgument,
       "y holds the class label " + std::to_string(r.value) + " at sample " + std::to_string(r.sample) +
           ", outside [0, " + std::to_string(classes - 1) + "]");
}

}  // namespace

Napi::Function Model::Define(Napi::Env env) {
  return DefineClass(env, "Model",
                     {InstanceMethod("setWorkspace", &Model::SetWorkspace),
                      InstanceMethod("setOptimizer", &Model::SetOptimizer),
                      InstanceMethod("forward", &Model::Forward),
                      InstanceMethod("loss", &Model::Loss),
                      InstanceMethod("backward", &Model::Backward),
                      InstanceMethod("optimizerStep", &Model::OptimizerStep),
                      InstanceMethod("train", &Model::Train),
                      InstanceMethod("trainAsync", &Model::TrainAsync),
                      InstanceMethod("predict", &Model::Predict),
                      InstanceMethod("predictAsync", &Model::PredictAsync),
                      InstanceMethod("evaluate", &Model::Evaluate),
                      InstanceMethod("evaluateAsync", &Model::EvaluateAsync)});
}

// new Model(plan, params, grads)
Model::Model(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Model>(info) {
  Napi::Env env = info.Env();
  plan_ = build_plan(env, info[0]);
  long n = plan_->net.param_count;
  Span<float> params = f32(env, info[1], "params", n);
  Span<float> grads = f32(env, info[2], "grads", n);
  pin_memory(env, params.buffer, "params");
  pin_memory(env, grads.buffer, "grads");
  params_ = Napi::Persistent(info[1].As<Napi::Float32Array>());
  grads_ = Napi::Persistent(info[2].As<Napi::Float32Array>());
}

// setWorkspace(ws): the activations buffer, at least one row.
Napi::Value Model::SetWorkspace(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Span<float> ws = f32(env, info[0], "workspace", plan_->net.workspace_row);
  pin_memory(env, ws.buffer, "workspace");
  workspace_ = Napi::Persistent(info[0].As<Napi::Float32Array>());
  return env.Undefined();
}

// setOptimizer(kind, hyper, state)
Napi::Value Model::SetOptimizer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int kind = (int)integer(env, info[0], "optimizer kind", 0, kOptimizerCount - 1);
  Span<double> hyper = typed_array<double>(env, info[1], napi_float64_array, "hyper");
  if (hyper.length < optimizer_hyper_count(kind)) fail(env, kShape, "hyper is too short");
  Span<float> state = f32(env, info[2], "optimizer state", optimizer_state_count(kind) * plan_->net.param_count);
  pin_memory(env, hyper.buffer, "hyper");
  pin_memory(env, state.buffer, "optimizer state");
  hyper_ = Napi::Persistent(info[1].As<Napi::Float64Array>());
  state_ = Napi::Persistent(info[2].As<Napi::Float32Array>());
  optimizer_kind_ = kind;
  return env.Undefined();
}

ModelMemory Model::memory(Napi::Env env) const {
  const Network& net = plan_->net;
  if (workspace_.IsEmpty()) fail(env, kInvalidArgument, "the model has no workspace yet");
  Span<float> params = held<float>(env, params_.Value(), "params", net.param_count);
  Span<float> grads = held<float>(env, grads_.Value(), "grads", net.param_count);
  Span<float> ws = held<float>(env, workspace_.Value(), "workspace", net.workspace_row);
  long rows = ws.length / net.workspace_row;
  return ModelMemory{params.data, grads.data, ws.data, (int)std::min(rows, kIntMax)};
}

Optimizer Model::optimizer(Napi::Env env, double* hyper, long step) const {
  if (optimizer_kind_ < 0) fail(env, kInvalidArgument, "the model has no optimizer yet");
  long count = optimizer_hyper_count(optimizer_kind_);
  Span<double> h = held<double>(env, hyper_.Value(), "hyper", count);
  Span<float> state = held<float>(env, state_.Value(), "optimizer state",
                                  optimizer_state_count(optimizer_kind_) * plan_->net.param_count);
  std::copy(h.data, h.data + count, hyper);
  return Optimizer{optimizer_kind_, hyper, state.data, step};
}

std::vector<napi_value> Model::buffers(Napi::Env) const {
  std::vector<napi_value> list{params_.Value(), grads_.Value(), workspace_.Value()};
  if (optimizer_kind_ >= 0) list.insert(list.end(), {hyper_.Value(), state_.Value()});
  return list;
}

// forward(x, rows, start, count, step): the output lands in the workspace's output block.
Napi::Value Model::Forward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Network& net = plan_->net;
  ModelMemory m = memory(env);
  BatchCall call = batch_call(info, net, m.capacity);
  network_forward(net, m.ws + net.output_offset(call.count), m.params, m.ws, call.batch());
  return env.Undefined();
}

// loss(y, samples, rows, start, count, withGrad) → the loss of the last forward pass
Napi::Value Model::Loss(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Network& net = plan_->net;
  ModelMemory m = memory(env);
  // Typed arrays hold fewer than 2^32 elements, so n · outputs stays below 2^63.
  long n = integer(env, info[1], "samples", 1, 1L << 32);
  long start = integer(env, info[3], "start", 0, n);
  int count = (int)integer(env, info[4], "count", 1, m.capacity);
  std::vector<int> rows = batch_rows(env, info[2], n, start, count);
  napi_value buffer;
  Targets t = targets(env, info[0], net, n, &buffer);
  std::vector<int32_t> labels(count);
  BatchTargets batch;
  JobResult result{};
  if (!network_batch_targets(&batch, &result, net, t, labels.data(), rows.empty() ? nullptr : rows.data(),
                             rows.empty() ? start : 0, count))
    bad_label(env, result, net.outputs());
  double loss = network_loss(net, m.ws, batch, count, Napi::Value(env, info[5]).ToBoolean().Value());
  return Napi::Number::New(env, loss);
}

// backward(x, rows, start, count, step): accumulates into grads (step as forward's)
Napi::Value Model::Backward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Network& net = plan_->net;
  ModelMemory m = memory(env);
  network_backward(net, m.grads, m.params, m.ws, batch_call(info, net, m.capacity).batch());
  return env.Undefined();
}

// optimizerStep(step): one update of params from grads
Napi::Value Model::OptimizerStep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ModelMemory m = memory(env);
  double hyper[kHyperCapacity];
  Optimizer opt = optimizer(env, hyper, integer(env, info[0], "step", 0, 1L << 52));
  optimizer_step(m.params, m.grads, (int)plan_->net.param_count, opt);
  return env.Undefined();
}

// train(x, y, rows, batchSize, firstBatch, batchCount, step, stats, schedule, gradNorm, checkFinite), on the calling
// thread; the outcome is in the stats header. With checkFinite (trainStep's one-call path), x
// and float y are first scanned whole: a non-finite value ends it with status -1, sample 0 for
// x or 1 for y and value its index, and nothing is trained.
Napi::Value Model::Train(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<Borrowed> borrowed;
  std::unique_ptr<TrainJob> job = train_job(info, *this, &borrowed);
  if (Napi::Value(env, info[10]).ToBoolean().Value()) {
    const TrainRun& run = job->run;
    long bad_x = first_non_finite(run.x, run.n_samples * plan_->net.inputs);
    long bad_y = -1;
    if (bad_x < 0 && run.targets.type == TARGET_DENSE)
      bad_y = first_non_finite(static_cast<const float*>(run.targets.data),
                               run.n_samples * plan_->net.outputs());
    if (bad_x >= 0 || bad_y >= 0) {
      double* s = job->stats;
      s[HEADER_STATUS] = -1;
      s[HEADER_COMPLETED] = 0;
      s[HEADER_SAMPLE] = bad_x >= 0 ? 0 : 1;
      s[HEADER_VALUE] = (double)(bad_x >= 0 ? bad_x : bad_y);
      return env.Undefined();
    }
  }
  job->execute(nullptr, nullptr);
  return env.Undefined();
}

// trainAsync(x, y, rows, batchSize, firstBatch, batchCount, step, stats, schedule, gradNorm, control) → Promise
Napi::Value Model::TrainAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<Borrowed> borrowed;
  std::unique_ptr<TrainJob> job = train_job(info, *this, &borrowed);
  return queue_job(env, std::move(job), std::move(borrowed), buffers(env), info[10]);
}

// predict(x, out)
Napi::Value Model::Predict(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Network& net = plan_->net;
  ModelMemory m = memory(env);
  Inputs in = inputs(env, info[0], net);
  Span<float> out = f32(env, info[1], "out", in.n * net.outputs());
  network_predict(net, out.data, m.params, m.ws, in.x, in.n, m.capacity);
  return env.Undefined();
}

// Fills what every inference job reads: the plan, the model's memory, x (checked against the
// input size) and the rows per chunk (1 to the workspace's capacity); returns x's buffer.
napi_value Model::start_inference(Napi::Env env, InferenceJob* job, napi_value x, napi_value batch_size) {
  job->plan = plan_;
  job->memory = memory(env);
  Span<float> in = f32(env, x, "x", 1);
  if (in.length % plan_->net.inputs != 0) fail(env, kShape, "x length is not a multiple of the input size");
  job->x = in.data;
  job->n = in.length / plan_->net.inputs;
  job->capacity = (int)integer(env, batch_size, "batchSize", 1, job->memory.capacity);
  return in.buffer;
}

// predictAsync(x, out, batchSize) → Promise: predict on the thread pool, in chunks of batchSize
// rows (at most the workspace's capacity); x and out stay pinned until it ends.
Napi::Value Model::PredictAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto job = std::make_unique<PredictJob>();
  napi_value x_buffer = start_inference(env, job.get(), info[0], info[2]);
  Span<float> out = f32(env, info[1], "out", job->n * plan_->net.outputs());
  job->out = out.data;
  return queue_job(env, std::move(job), {{x_buffer, "x"}, {out.buffer, "out"}}, buffers(env), env.Null());
}

// evaluateAsync(x, y, stats, batchSize) → Promise: evaluate on the thread pool, in chunks of
// batchSize rows (at most the workspace's capacity); the outcome and the totals are in stats.
Napi::Value Model::EvaluateAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto job = std::make_unique<EvaluateJob>();
  napi_value x_buffer = start_inference(env, job.get(), info[0], info[3]);
  const Network& net = plan_->net;
  napi_value y_buffer;
  job->targets = targets(env, info[1], net, job->n, &y_buffer);
  Span<double> stats = typed_array<double>(env, info[2], napi_float64_array, "stats");
  if (stats.length < kStatsHeader + net.batch_stats) fail(env, kShape, "stats is too short");
  job->stats = stats.data;
  job->labels.resize(std::min<long>(job->capacity, job->n));
  return queue_job(env, std::move(job), {{x_buffer, "x"}, {y_buffer, "y"}, {stats.buffer, "stats"}}, buffers(env),
                   env.Null());
}

// evaluate(x, y, totals): the mean loss and the metric counters, laid out as one batch's stats
Napi::Value Model::Evaluate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Network& net = plan_->net;
  ModelMemory m = memory(env);
  Inputs in = inputs(env, info[0], net);
  napi_value buffer;
  Targets t = targets(env, info[1], net, in.n, &buffer);
  Span<double> totals = typed_array<double>(env, info[2], napi_float64_array, "totals");
  if (totals.length < net.batch_stats) fail(env, kShape, "totals is too short");
  std::vector<int32_t> labels(std::min<long>(m.capacity, in.n));
  JobResult r = network_evaluate(net, totals.data, m.params, m.ws, labels.data(), in.x, t, in.n, m.capacity);
  if (r.status == JOB_BAD_LABEL) bad_label(env, r, net.outputs());
  return env.Undefined();
}

}  // namespace binding
