// The module's entry: the per-model native object (binding_model.cpp), the library's enums as
// `constants` (lib/ checks its own against them), and the model-free functions (BLAS info and
// threads, the finiteness scan, the benchmark's sgemm probe). Only the binding_* files see
// JavaScript values.
#include <napi.h>

#include <vector>

#include "activation.h"
#include "binding_args.h"
#include "binding_model.h"
#include "binding_train.h"
#include "blas.h"
#include "check.h"
#include "gemm.h"
#include "network.h"
#include "optimizer.h"

namespace {

using namespace binding;

// blasInfo() → { config, corename, threads, automaticThreads, processors, parallel }
Napi::Value BlasInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("config", openblas_get_config());
  o.Set("corename", openblas_get_corename());
  o.Set("threads", gemm_max_threads());
  o.Set("automaticThreads", gemm_automatic_threads());
  std::vector<GemmChoice> choices(kGemmShapes);
  int n = gemm_choices(choices.data(), kGemmShapes);
  Napi::Array shapes = Napi::Array::New(env, n);
  for (int i = 0; i < n; i++) {
    const GemmChoice& c = choices[i];
    Napi::Object s = Napi::Object::New(env);
    s.Set("op", c.gemv ? "gemv" : "gemm");
    s.Set("m", c.M);
    s.Set("n", c.N);
    s.Set("k", c.K);
    s.Set("transA", c.trans_a);
    s.Set("transB", c.trans_b);
    s.Set("threads", c.threads);
    s.Set("secondsOneThread", c.best_one);
    s.Set("secondsMaxThreads", c.best_max);
    shapes[i] = s;
  }
  o.Set("shapes", shapes);
  o.Set("processors", openblas_get_num_procs());
  o.Set("parallel", openblas_get_parallel());
  return o;
}

// setNumThreads(n): n ≥ 1 fixes every call's count; 0 chooses per shape (gemm.h)
Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  gemm_set_threads((int)integer(info.Env(), info[0], "threads", 0, 1024));
  return info.Env().Undefined();
}

// gemmRepeat(M, N, K, transA, transB, iterations, a, b, c): the benchmark's sgemm probe
Napi::Value GemmRepeat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const long limit = 1L << 20;
  int M = (int)integer(env, info[0], "M", 1, limit);
  int N = (int)integer(env, info[1], "N", 1, limit);
  int K = (int)integer(env, info[2], "K", 1, limit);
  int iterations = (int)integer(env, info[5], "iterations", 0, 1L << 30);
  Span<float> a = f32(env, info[6], "a", (long)M * K);
  Span<float> b = f32(env, info[7], "b", (long)K * N);
  Span<float> c = f32(env, info[8], "c", (long)M * N);
  sgemm_repeat(c.data, a.data, b.data, M, N, K, info[3].ToBoolean(), info[4].ToBoolean(),
               iterations);
  return env.Undefined();
}

// firstNonFinite(a) → index of the first NaN/±Infinity, or -1
Napi::Value FirstNonFinite(const Napi::CallbackInfo& info) {
  Span<float> a = f32(info.Env(), info[0], "array", 0);
  return Napi::Number::New(info.Env(), (double)first_non_finite(a.data, a.length));
}

Napi::Object Enum(Napi::Env env, std::initializer_list<std::pair<const char*, int>> values) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& [name, value] : values) o.Set(name, value);
  o.Freeze();
  return o;
}

// The codes the plan, the optimizer and the stats layout use; test/constants.test.ts checks
// that lib/ has the same.
Napi::Object Constants(Napi::Env env) {
  Napi::Object c = Napi::Object::New(env);
  c.Set("loss", Enum(env, {{"mse", LOSS_MSE}, {"categoricalCrossentropy", LOSS_CATEGORICAL_CROSSENTROPY},
                           {"binaryCrossentropy", LOSS_BINARY_CROSSENTROPY}, {"count", kLossCount}}));
  c.Set("activation", Enum(env, {{"linear", ACT_LINEAR}, {"relu", ACT_RELU}, {"leakyRelu", ACT_LEAKY_RELU},
                                 {"sigmoid", ACT_SIGMOID}, {"tanh", ACT_TANH}, {"softmax", ACT_SOFTMAX},
                                 {"count", kActivationCount}}));
  c.Set("layerKind", Enum(env, {{"dense", LAYER_DENSE}, {"dropout", LAYER_DROPOUT}, {"count", kLayerKindCount}}));
  c.Set("optimizer", Enum(env, {{"sgd", OPT_SGD}, {"adam", OPT_ADAM}, {"adamw", OPT_ADAMW},
                                {"rmsprop", OPT_RMSPROP}, {"count", kOptimizerCount}}));
  c.Set("commonHyper", Enum(env, {{"lr", HYPER_LR}, {"clipNorm", HYPER_CLIP_NORM}, {"clipValue", HYPER_CLIP_VALUE},
                                  {"count", HYPER_COMMON_COUNT}}));
  c.Set("sgdHyper", Enum(env, {{"lr", SGD_LR}, {"momentum", SGD_MOMENTUM}, {"dampening", SGD_DAMPENING},
                               {"weightDecay", SGD_WEIGHT_DECAY}, {"nesterov", SGD_NESTEROV},
                               {"count", SGD_HYPER_COUNT}}));
  c.Set("adamHyper", Enum(env, {{"lr", ADAM_LR}, {"beta1", ADAM_BETA1}, {"beta2", ADAM_BETA2}, {"eps", ADAM_EPS},
                                {"weightDecay", ADAM_WEIGHT_DECAY}, {"amsgrad", ADAM_AMSGRAD},
                                {"count", ADAM_HYPER_COUNT}}));
  c.Set("rmspropHyper", Enum(env, {{"lr", RMSPROP_LR}, {"rho", RMSPROP_RHO}, {"eps", RMSPROP_EPS},
                                   {"weightDecay", RMSPROP_WEIGHT_DECAY}, {"momentum", RMSPROP_MOMENTUM},
                                   {"centered", RMSPROP_CENTERED}, {"count", RMSPROP_HYPER_COUNT}}));
  c.Set("stateBuffers", Enum(env, {{"sgd", optimizer_state_count(OPT_SGD)}, {"adam", optimizer_state_count(OPT_ADAM)},
                                   {"adamw", optimizer_state_count(OPT_ADAMW)},
                                   {"rmsprop", optimizer_state_count(OPT_RMSPROP)}}));
  c.Set("stats", Enum(env, {{"status", HEADER_STATUS}, {"completed", HEADER_COMPLETED}, {"sample", HEADER_SAMPLE},
                            {"value", HEADER_VALUE}, {"header", kStatsHeader}, {"loss", STAT_LOSS},
                            {"gradNorm", STAT_GRAD_NORM}, {"counters", kBatchStatsFixed}}));
  c.Set("counter", Enum(env, {{"accuracy", COUNTER_ACCURACY}, {"topK", COUNTER_TOP_K}, {"absError", COUNTER_ABS_ERROR},
                              {"squaredError", COUNTER_SQUARED_ERROR}, {"confusion", COUNTER_CONFUSION},
                              {"count", kCounterKindCount}}));
  c.Set("status", Enum(env, {{"done", JOB_DONE}, {"stopped", JOB_STOPPED}, {"nonFiniteLoss", JOB_NON_FINITE_LOSS},
                             {"nonFiniteGradient", JOB_NON_FINITE_GRADIENT}, {"badLabel", JOB_BAD_LABEL},
                             {"count", kJobStatusCount}}));
  c.Freeze();
  return c;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  capture_intrinsics(env);
  exports.Set("Model", Model::Define(env));
  exports.Set("constants", Constants(env));
  exports.Set("blasInfo", Napi::Function::New(env, BlasInfo));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("firstNonFinite", Napi::Function::New(env, FirstNonFinite));
  exports.Set("gemmRepeat", Napi::Function::New(env, GemmRepeat));
  return exports;
}

}  // namespace

NODE_API_MODULE(blastrain, Init)
