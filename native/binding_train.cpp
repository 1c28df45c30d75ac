#include "binding_train.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "binding_args.h"
#include "gemm.h"

namespace binding {

void EvaluateJob::execute(const int*, const int*) {
  JobResult r = network_evaluate(plan->net, stats + kStatsHeader, memory.params, memory.ws, labels.data(), x,
                                 targets, n, capacity);
  stats[HEADER_STATUS] = r.status;
  stats[HEADER_COMPLETED] = 0;
  stats[HEADER_SAMPLE] = (double)r.sample;
  stats[HEADER_VALUE] = (double)r.value;
}

void PredictJob::execute(const int*, const int*) {
  network_predict(plan->net, out, memory.params, memory.ws, x, n, capacity);
}

void TrainJob::execute(const int* stop, const int* teardown) {
  JobResult r = network_train_batches(plan->net, memory.params, memory.grads, memory.ws,
                                      labels.data(), run, opt, stats + kStatsHeader, stop, teardown);
  stats[HEADER_STATUS] = r.status;
  stats[HEADER_COMPLETED] = r.completed;
  stats[HEADER_SAMPLE] = (double)r.sample;
  stats[HEADER_VALUE] = (double)r.value;
}

static int target_type(napi_typedarray_type type) {
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

Targets targets(Napi::Env env, napi_value v, const Network& net, long n, napi_value* buffer) {
  bool is_typed = false;
  napi_is_typedarray(env, v, &is_typed);
  napi_typedarray_type kind;
  size_t length = 0;
  void* data = nullptr;
  size_t offset = 0;
  if (!is_typed || napi_get_typedarray_info(env, v, &kind, &length, &data, buffer, &offset) != napi_ok)
    fail(env, kInvalidArgument, "y must be a typed array");
  int type = target_type(kind);
  if (type < 0) fail(env, kInvalidArgument, "y has an unsupported typed-array kind");
  if (length > 0 && data == nullptr) fail(env, kDetached, "y is detached");
  if (type == TARGET_DENSE) {
    if ((long)length != n * net.outputs()) fail(env, kShape, "y length is not samples × outputs");
  } else {
    if (net.loss != LOSS_CATEGORICAL_CROSSENTROPY)
      fail(env, kInvalidArgument, "class labels need categoricalCrossentropy");
    if ((long)length != n) fail(env, kShape, "y length is not the number of samples");
  }
  return Targets{data, type};
}

std::unique_ptr<TrainJob> train_job(const Napi::CallbackInfo& info, const Model& model,
                                    std::vector<Borrowed>* values) {
  Napi::Env env = info.Env();
  auto job = std::make_unique<TrainJob>();
  job->plan = model.plan();
  const Network& net = job->plan->net;
  job->memory = model.memory(env);

  Span<float> x = f32(env, info[0], "x", 1);
  if (x.length % net.inputs != 0) fail(env, kShape, "x length is not a multiple of the input size");
  long n = x.length / net.inputs;
  int batch_size = (int)integer(env, info[3], "batchSize", 1, job->memory.capacity);
  long n_batch_total = (n + batch_size - 1) / batch_size;
  long first = integer(env, info[4], "firstBatch", 0, n_batch_total - 1);
  int n_batches = (int)integer(env, info[5], "batchCount", 1, n_batch_total - first);
  long start = first * batch_size;
  long end = std::min(n, (first + n_batches) * (long)batch_size);

  const int* rows = nullptr;
  if (!is_nullish(env, info[2])) {
    Span<int32_t> order = typed_array<int32_t>(env, info[2], napi_int32_array, "rows");
    if (end > order.length) fail(env, kShape, "the batches run past the end of rows");
    job->rows.assign(order.data + start, order.data + end);
    for (int r : job->rows)
      if (r < 0 || r >= n) fail(env, kInvalidArgument, "rows holds a sample index out of range");
    rows = job->rows.data();
  } else if (end > n) {
    fail(env, kShape, "the batches run past the last sample");
  }
  napi_value y_buffer = nullptr;
  Targets t = targets(env, info[1], net, n, &y_buffer);

  Span<double> stats = typed_array<double>(env, info[7], napi_float64_array, "stats");
  if (stats.length < kStatsHeader + net.batch_stats * n_batches) fail(env, kShape, "stats is too short");

  job->labels.resize(batch_size);
  if (!is_nullish(env, info[8])) {
    Span<double> schedule = typed_array<double>(env, info[8], napi_float64_array, "schedule");
    if (schedule.length < 2L * n_batches) fail(env, kShape, "schedule is shorter than 2 × batchCount");
    job->schedule.assign(schedule.data, schedule.data + 2L * n_batches);
    for (long i = 0; i < n_batches; i++)
      if (!(std::isfinite(job->schedule[2 * i]) && job->schedule[2 * i] >= 0))
        fail(env, kInvalidArgument, "schedule holds a learning rate that is not a finite number ≥ 0");
  }
  job->opt = model.optimizer(env, job->hyper.data(), integer(env, info[6], "step", 0, 1L << 52));
  job->stats = stats.data;
  // rows holds only these batches' samples, so the loop indexes it from the run's first row.
  job->run = TrainRun{x.data, t, rows, rows != nullptr ? start : 0, n, batch_size, first, n_batches,
                      job->schedule.empty() ? nullptr : job->schedule.data(),
                      Napi::Value(env, info[9]).ToBoolean().Value()};
  *values = {{x.buffer, "x"}, {y_buffer, "y"}, {stats.buffer, "stats"}};
  return job;
}

namespace {

// The async work's state. Lives from queue_train_job until the completion callback, which runs
// on the main thread even while the environment is being torn down (worker.terminate(),
// process.exit() in a worker): every N-API call there is a raw one whose failure is ignored,
// so no C++ exception can reach libuv.
struct AsyncTrain {
  std::unique_ptr<Job> job;
  const int* stop;
  int teardown = 0;   // set by the environment's cleanup hook: stop at the next batch
  bool hook_ran = false;
  napi_env env;
  napi_deferred deferred;
  napi_async_work work = nullptr;
  std::vector<napi_ref> pins;
};

void on_teardown(void* data) {
  auto* a = static_cast<AsyncTrain*>(data);
  a->hook_ran = true;
  __atomic_store_n(&a->teardown, 1, __ATOMIC_RELAXED);
}

// OpenBLAS's threaded GEMMs, entered from several threads at once, fight over its one set of
// worker threads (they spin in sched_yield): measured with bench/many-models.mjs, 4 concurrent
// fits of the small model on 2 BLAS threads trained at 0.15× the aggregate speed of the same
// fits one after another. So jobs whose GEMMs OpenBLAS spreads over more than one thread take
// turns here, each at full speed; jobs of GEMMs it runs on one thread anyway (tiny models), and
// every job under one BLAS thread (the setting for many concurrent models), run side by side.
// Synchronous calls on the main thread never wait here.
static std::mutex blas_turn;

static bool uses_blas_threads(const Job& job) {
  if (gemm_max_threads() <= 1) return false;
  const Network& net = job.network();
  for (int l = 0; l < net.n_layers; l++) {
    const LayerRecord& r = net.layer[l];
    if ((double)job.gemm_rows() * r.in * r.out > kGemmOneThreadWork) return true;  // gemm.h
  }
  return false;
}

void execute(napi_env, void* data) {
  auto* a = static_cast<AsyncTrain*>(data);
  if (uses_blas_threads(*a->job)) {
    std::lock_guard<std::mutex> turn(blas_turn);
    a->job->execute(a->stop, &a->teardown);
  } else {
    a->job->execute(a->stop, &a->teardown);
  }
}

void complete(napi_env env, napi_status status, void* data) {
  auto* a = static_cast<AsyncTrain*>(data);
  napi_value undefined = nullptr;
  napi_get_undefined(env, &undefined);
  if (status == napi_ok) napi_resolve_deferred(env, a->deferred, undefined);
  else napi_reject_deferred(env, a->deferred, undefined);
  if (!a->hook_ran) napi_remove_env_cleanup_hook(env, on_teardown, a);
  for (napi_ref ref : a->pins) napi_delete_reference(env, ref);
  napi_delete_async_work(env, a->work);
  delete a;
}

}  // namespace

Napi::Promise queue_job(Napi::Env env, std::unique_ptr<Job> job, std::vector<Borrowed> borrowed,
                        const std::vector<napi_value>& model_buffers, napi_value control) {
  const int* stop = nullptr;
  if (!is_nullish(env, control)) {
    Span<int32_t> flag = typed_array<int32_t>(env, control, napi_int32_array, "control");
    if (flag.length < 1) fail(env, kShape, "control is empty");
    borrowed.push_back({flag.buffer, "control"});
    stop = flag.data;
  }
  // Everything the job reads through a pointer stays alive, fixed in size and in place.
  std::vector<napi_value> held;
  for (const Borrowed& b : borrowed) {
    pin_memory(env, b.buffer, b.name);
    held.push_back(b.buffer);
  }
  held.insert(held.end(), model_buffers.begin(), model_buffers.end());

  auto a = std::make_unique<AsyncTrain>();
  a->job = std::move(job);
  a->stop = stop;
  a->env = env;
  napi_value promise, name;
  if (napi_create_promise(env, &a->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "blastrain:train", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, nullptr, name, execute, complete, a.get(), &a->work) != napi_ok)
    fail(env, kInvalidArgument, "could not create the training job");
  for (napi_value v : held) {
    napi_ref ref;
    napi_create_reference(env, v, 1, &ref);
    a->pins.push_back(ref);
  }
  napi_add_env_cleanup_hook(env, on_teardown, a.get());
  if (napi_queue_async_work(env, a->work) != napi_ok) {
    napi_remove_env_cleanup_hook(env, on_teardown, a.get());
    for (napi_ref ref : a->pins) napi_delete_reference(env, ref);
    napi_delete_async_work(env, a->work);
    fail(env, kInvalidArgument, "could not queue the training job");
  }
  a.release();  // owned by the async work until complete()
  return Napi::Promise(env, promise);
}

}  // namespace binding
