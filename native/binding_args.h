// The binding's argument readers. Every value is read once, through the engine (never through
// a getter a program can replace), checked, and turned into plain C++ values; a violation throws
// a JS error whose `code` is one of the library's (lib/errors.ts maps it to its class).
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace binding {

// The codes of lib/errors.ts that native checks can raise.
constexpr const char* kInvalidArgument = "ERR_BLASTRAIN_INVALID_ARGUMENT";
constexpr const char* kShape = "ERR_BLASTRAIN_SHAPE";
constexpr const char* kDetached = "ERR_BLASTRAIN_DETACHED_BUFFER";
constexpr const char* kUnsupportedBuffer = "ERR_BLASTRAIN_UNSUPPORTED_BUFFER";

[[noreturn]] void fail(Napi::Env env, const char* code, const std::string& message);

// A typed array's memory as the engine reports it at the time of the call.
template <typename T>
struct Span {
  T* data;
  long length;
  napi_value buffer;  // its ArrayBuffer or SharedArrayBuffer
};

// The typed array in v, which must be of the given kind.
template <typename T>
Span<T> typed_array(Napi::Env env, napi_value v, napi_typedarray_type type, const char* name);

// A Float32Array of at least min_length elements (detached arrays report length 0).
Span<float> f32(Napi::Env env, napi_value v, const char* name, long min_length);

// The current memory of a typed array the model holds, of at least min_length elements: its kind
// was checked when it was handed over and a typed array's kind never changes, so only its length
// and data are read (asking Node-API for the kind runs up to eleven V8 type tests per array).
// The ArrayBuffer is not reported (buffer is null).
template <typename T>
Span<T> held(Napi::Env env, napi_value v, const char* name, long min_length);

// An integral number in [min, max].
long integer(Napi::Env env, napi_value v, const char* name, long min, long max);

bool is_nullish(Napi::Env env, napi_value v);

// Per-environment functions the binding captured when it was loaded, before any user code
// could have replaced them: ArrayBuffer.prototype's `resizable` getter and
// worker_threads.markAsUntransferable.
struct Intrinsics {
  Napi::FunctionReference resizable;
  Napi::FunctionReference mark_untransferable;
};
void capture_intrinsics(Napi::Env env);

// For memory a job reads after the call returns: refuses a resizable ArrayBuffer (it can shrink
// under the job; a SharedArrayBuffer can only grow) and marks the buffer untransferable, so
// neither a resize nor a transfer can take the memory away. Marking is permanent: a transfer
// of that buffer later copies it (Node 20) or throws DataCloneError (Node ≥ 22).
void pin_memory(Napi::Env env, napi_value buffer, const char* name);

}  // namespace binding
