#include "binding_args.h"

#include <cmath>

namespace binding {

void fail(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, "blastrain native: " + message);
  error.Set("code", Napi::String::New(env, code));
  throw error;
}

template <typename T>
Span<T> typed_array(Napi::Env env, napi_value v, napi_typedarray_type type, const char* name) {
  bool is_typed = false;
  napi_is_typedarray(env, v, &is_typed);
  napi_typedarray_type actual;
  size_t length = 0;
  void* data = nullptr;
  napi_value buffer = nullptr;
  size_t offset = 0;
  if (!is_typed || napi_get_typedarray_info(env, v, &actual, &length, &data, &buffer, &offset) != napi_ok ||
      actual != type)
    fail(env, kInvalidArgument, std::string(name) + " has the wrong typed-array kind");
  return Span<T>{static_cast<T*>(data), (long)length, buffer};
}

template Span<float> typed_array(Napi::Env, napi_value, napi_typedarray_type, const char*);
template Span<double> typed_array(Napi::Env, napi_value, napi_typedarray_type, const char*);
template Span<int32_t> typed_array(Napi::Env, napi_value, napi_typedarray_type, const char*);

// Detached arrays report length 0 (and no data).
template <typename T>
static Span<T> at_least(Napi::Env env, Span<T> s, const char* name, long min_length) {
  if (s.length < min_length || (min_length > 0 && s.data == nullptr))
    fail(env, s.length == 0 ? kDetached : kShape,
         std::string(name) + " is shorter than " + std::to_string(min_length) + " elements" +
             (s.length == 0 ? " (detached?)" : ""));
  return s;
}

Span<float> f32(Napi::Env env, napi_value v, const char* name, long min_length) {
  return at_least(env, typed_array<float>(env, v, napi_float32_array, name), name, min_length);
}

template <typename T>
Span<T> held(Napi::Env env, napi_value v, const char* name, long min_length) {
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, v, nullptr, &length, &data, nullptr, nullptr) != napi_ok)
    fail(env, kInvalidArgument, std::string(name) + " is no longer a typed array");
  return at_least(env, Span<T>{static_cast<T*>(data), (long)length, nullptr}, name, min_length);
}

template Span<float> held(Napi::Env, napi_value, const char*, long);
template Span<double> held(Napi::Env, napi_value, const char*, long);

long integer(Napi::Env env, napi_value v, const char* name, long min, long max) {
  double d = NAN;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) == napi_ok && t == napi_number) napi_get_value_double(env, v, &d);
  if (!(d >= (double)min && d <= (double)max) || d != std::floor(d))
    fail(env, kInvalidArgument,
         std::string(name) + " must be an integer in [" + std::to_string(min) + ", " +
             std::to_string(max) + "]");
  return (long)d;
}

bool is_nullish(Napi::Env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) != napi_ok || t == napi_null || t == napi_undefined;
}

void capture_intrinsics(Napi::Env env) {
  auto* intrinsics = new Intrinsics();
  Napi::Object global = env.Global();
  Napi::Object object = global.Get("Object").As<Napi::Object>();
  Napi::Function describe = object.Get("getOwnPropertyDescriptor").As<Napi::Function>();
  Napi::Value prototype = global.Get("ArrayBuffer").As<Napi::Object>().Get("prototype");
  Napi::Object descriptor =
      describe.Call(object, {prototype, Napi::String::New(env, "resizable")}).As<Napi::Object>();
  intrinsics->resizable = Napi::Persistent(descriptor.Get("get").As<Napi::Function>());
  // process.getBuiltinModule exists from Node 20.16 (the engines floor is 20.17).
  Napi::Object process = global.Get("process").As<Napi::Object>();
  Napi::Object workers = process.Get("getBuiltinModule")
                             .As<Napi::Function>()
                             .Call(process, {Napi::String::New(env, "node:worker_threads")})
                             .As<Napi::Object>();
  intrinsics->mark_untransferable =
      Napi::Persistent(workers.Get("markAsUntransferable").As<Napi::Function>());
  env.SetInstanceData(intrinsics);
}

void pin_memory(Napi::Env env, napi_value buffer, const char* name) {
  auto* intrinsics = env.GetInstanceData<Intrinsics>();
  bool plain = false;  // an ArrayBuffer, as opposed to a SharedArrayBuffer
  napi_is_arraybuffer(env, buffer, &plain);
  if (plain && intrinsics->resizable.Call(buffer, {}).ToBoolean().Value())
    fail(env, kUnsupportedBuffer,
         std::string(name) + " is backed by a resizable ArrayBuffer, which could shrink while training " +
             "reads it; copy it into a fixed-length array first");
  intrinsics->mark_untransferable.Call({Napi::Value(env, buffer)});
}

}  // namespace binding
