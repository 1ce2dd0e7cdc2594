#include "AddonContext.h"

#include <string>

#include "ForwardWorker.h"
#include "arguments.h"
#include "native-failure.h"

namespace xcandle_binding {

Napi::Function AddonContext::Define(Napi::Env env) {
  return DefineClass(env, "AddonContext",
                     {
                         InstanceMethod<&AddonContext::CreateSequence>("createSequence"),
                         InstanceMethod<&AddonContext::ForkSequence>("forkSequence"),
                         InstanceMethod<&AddonContext::TruncateSequence>("truncateSequence"),
                         InstanceMethod<&AddonContext::ReleaseSequence>("releaseSequence"),
                         InstanceMethod<&AddonContext::SequenceLength>("sequenceLength"),
                         InstanceMethod<&AddonContext::Forward>("forward"),
                         InstanceMethod<&AddonContext::ForwardArgmax>("forwardArgmax"),
                         InstanceMethod<&AddonContext::ForwardSync>("forwardSync"),
                         InstanceMethod<&AddonContext::ForwardArgmaxSync>("forwardArgmaxSync"),
                         InstanceMethod<&AddonContext::LastForwardMs>("lastForwardMs"),
                         InstanceMethod<&AddonContext::Dispose>("dispose"),
                     });
}

AddonContext::AddonContext(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AddonContext>(info) {
  Napi::Env env = info.Env();
  AddonState* addon = GetState(env);
  registry_ = addon->registry;
  if (info.Length() < 1 || !info[0].IsObject() ||
      !info[0].As<Napi::Object>().InstanceOf(addon->modelConstructor.Value())) {
    throw Napi::TypeError::New(env, "model must be an AddonModel");
  }
  std::shared_ptr<ModelHandle> model = AddonModel::Unwrap(info[0].As<Napi::Object>())->Handle();
  if (!model) throw ToJsError(env, {XC_ERR_INVALID_ARGUMENT, "the model has been disposed", -1});
  Napi::Object options = info.Length() > 1 && info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env);
  xc_context_options native{};
  native.context_length = OptionalInt32(options, "contextLength", 0);
  native.max_sequences = OptionalInt32(options, "maxSequences", 0);
  native.threads = OptionalInt32(options, "threads", 0);
  Napi::Value kvType = options.Get("kvType");
  if (kvType.IsUndefined() || (kvType.IsString() && kvType.As<Napi::String>().Utf8Value() == "f16")) {
    native.kv_type = XC_KV_F16;
  } else if (kvType.IsString() && kvType.As<Napi::String>().Utf8Value() == "f32") {
    native.kv_type = XC_KV_F32;
  } else {
    throw Napi::TypeError::New(env, "kvType must be 'f16' or 'f32'");
  }
  xc_model_info modelInfo{};
  ThrowIfFailed(env, xc_model_get_info(model->model, &modelInfo));
  xc_context* handle = nullptr;
  ThrowIfFailed(env, xc_context_create(model->model, &native, &handle));
  state_->handle = handle;
  state_->model = std::move(model);
  state_->vocabSize = modelInfo.vocab_size;
  // Last: a constructor that throws never runs the destructor that would unregister it.
  registry_->contexts.insert(this);
}

AddonContext::~AddonContext() {
  Close();
  registry_->contexts.erase(this);
}

void AddonContext::Close() {
  disposed_ = true;
  for (ForwardWorker* worker : state_->inFlight) worker->RequestAbort();
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (state_->handle != nullptr) xc_context_free(state_->handle);
  state_->handle = nullptr;
  state_->model.reset();
}

void AddonContext::ForwardSettled() {
  if (!disposed_ || !state_->inFlight.empty()) return;
  Close();
  for (Napi::Promise::Deferred& waiter : disposeWaiters_) waiter.Resolve(Env().Undefined());
  disposeWaiters_.clear();
}

void AddonContext::RequireOpen(Napi::Env env) const {
  if (disposed_) throw ToJsError(env, {XC_ERR_INVALID_ARGUMENT, "the context has been disposed", -1});
}

Napi::Value AddonContext::CreateSequence(const Napi::CallbackInfo& info) {
  RequireOpen(info.Env());
  int32_t sequence = -1;
  std::lock_guard<std::mutex> lock(state_->mutex);
  ThrowIfFailed(info.Env(), xc_sequence_create(state_->handle, &sequence));
  return Napi::Number::New(info.Env(), sequence);
}

Napi::Value AddonContext::ForkSequence(const Napi::CallbackInfo& info) {
  RequireOpen(info.Env());
  int32_t from = RequireInt32(info, 0, "from");
  int32_t count = info[1].IsUndefined() ? -1 : RequireInt32(info, 1, "nTokens");
  int32_t sequence = -1;
  std::lock_guard<std::mutex> lock(state_->mutex);
  ThrowIfFailed(info.Env(), xc_sequence_fork(state_->handle, from, count, &sequence));
  return Napi::Number::New(info.Env(), sequence);
}

Napi::Value AddonContext::TruncateSequence(const Napi::CallbackInfo& info) {
  RequireOpen(info.Env());
  int32_t sequence = RequireInt32(info, 0, "sequence");
  int32_t count = RequireInt32(info, 1, "nTokens");
  std::lock_guard<std::mutex> lock(state_->mutex);
  ThrowIfFailed(info.Env(), xc_sequence_truncate(state_->handle, sequence, count));
  return info.Env().Undefined();
}

Napi::Value AddonContext::ReleaseSequence(const Napi::CallbackInfo& info) {
  RequireOpen(info.Env());
  int32_t sequence = RequireInt32(info, 0, "sequence");
  std::lock_guard<std::mutex> lock(state_->mutex);
  ThrowIfFailed(info.Env(), xc_sequence_release(state_->handle, sequence));
  return info.Env().Undefined();
}

Napi::Value AddonContext::SequenceLength(const Napi::CallbackInfo& info) {
  RequireOpen(info.Env());
  int32_t sequence = RequireInt32(info, 0, "sequence");
  int32_t length = 0;
  std::lock_guard<std::mutex> lock(state_->mutex);
  ThrowIfFailed(info.Env(), xc_sequence_length(state_->handle, sequence, &length));
  return Napi::Number::New(info.Env(), length);
}

namespace {

// Copies one token mask (a Uint32Array of at least maskWords words; `name` says where it came from)
// into job.masks; returns its offset there.
int64_t CopyMask(Napi::Env env, Napi::Value value, const std::string& name, size_t maskWords, ForwardJob& job) {
  Napi::Uint32Array mask = value.As<Napi::Uint32Array>();
  if (mask.ElementLength() < maskWords) {
    throw Napi::RangeError::New(env, name + " holds " + std::to_string(mask.ElementLength()) +
                                         " words; the vocabulary needs " + std::to_string(maskWords));
  }
  const auto offset = static_cast<int64_t>(job.masks.size());
  job.masks.insert(job.masks.end(), mask.Data(), mask.Data() + maskWords);
  return offset;
}

bool IsUint32Array(Napi::Value value) {
  return value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_uint32_array;
}

// Appends the masks of item `index`, which has `rows` output rows, to job.rowMaskOffsets: none
// (undefined: -1 per row), one Uint32Array for every row, or an array of them, one per row.
void ParseItemMasks(Napi::Env env, Napi::Value value, uint32_t index, size_t rows, size_t maskWords,
                    ForwardJob& job) {
  const std::string name = "batch[" + std::to_string(index) + "].allowed";
  if (value.IsUndefined()) {
    job.rowMaskOffsets.insert(job.rowMaskOffsets.end(), rows, -1);
    return;
  }
  if (IsUint32Array(value)) {
    job.rowMaskOffsets.insert(job.rowMaskOffsets.end(), rows, CopyMask(env, value, name, maskWords, job));
    return;
  }
  bool valid = value.IsArray();
  Napi::Array list = valid ? value.As<Napi::Array>() : Napi::Array();
  for (uint32_t row = 0; valid && row < list.Length(); row++) valid = IsUint32Array(list.Get(row));
  if (!valid) throw Napi::TypeError::New(env, name + " must be a Uint32Array or an array of them, one per row");
  if (list.Length() != rows) {
    throw Napi::RangeError::New(env, name + " holds " + std::to_string(list.Length()) + " row masks for " +
                                         std::to_string(rows) + " rows");
  }
  for (uint32_t row = 0; row < list.Length(); row++) {
    Napi::Value mask = list.Get(row);
    // Drafted rows in one grammar state share a mask object: copied once.
    const bool same = row > 0 && mask.StrictEquals(list.Get(row - 1));
    job.rowMaskOffsets.push_back(same ? job.rowMaskOffsets.back()
                                      : CopyMask(env, mask, name + "[" + std::to_string(row) + "]", maskWords, job));
  }
}

// The batch and abort flag of forward() and forwardArgmax(), checked and copied into plain data;
// `rows` gets the number of output rows (logits rows or token ids). With `maskWords` (forwardArgmax),
// an item's optional `allowed` masks (see ParseItemMasks) are copied too.
ForwardJob ParseForward(const Napi::CallbackInfo& info, size_t* rows, size_t maskWords = 0) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "batch must be an array");
  Napi::Array items = info[0].As<Napi::Array>();
  if (items.Length() == 0) throw Napi::RangeError::New(env, "batch must not be empty");
  ForwardJob job;
  *rows = 0;
  for (uint32_t i = 0; i < items.Length(); i++) {
    Napi::Value value = items.Get(i);
    if (!value.IsObject()) throw Napi::TypeError::New(env, "batch[" + std::to_string(i) + "] must be an object");
    Napi::Object item = value.As<Napi::Object>();
    Napi::Value tokensValue = item.Get("tokens");
    if (!tokensValue.IsTypedArray() || tokensValue.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
      throw Napi::TypeError::New(env, "batch[" + std::to_string(i) + "].tokens must be an Int32Array");
    }
    Napi::Int32Array tokens = tokensValue.As<Napi::Int32Array>();
    if (tokens.ElementLength() == 0 || tokens.ElementLength() > INT32_MAX) {
      throw Napi::RangeError::New(env, "batch[" + std::to_string(i) + "].tokens must not be empty");
    }
    bool all = item.Get("all").ToBoolean().Value();
    job.sequences.push_back(OptionalInt32(item, "seq", -1));
    job.tokenCounts.push_back(static_cast<int32_t>(tokens.ElementLength()));
    job.logitsAll.push_back(all ? 1 : 0);
    job.tokens.insert(job.tokens.end(), tokens.Data(), tokens.Data() + tokens.ElementLength());
    const size_t itemRows = all ? tokens.ElementLength() : 1;
    *rows += itemRows;
    if (maskWords != 0) ParseItemMasks(env, item.Get("allowed"), i, itemRows, maskWords, job);
  }
  if (job.masks.empty()) job.rowMaskOffsets.clear();
  job.maskWords = maskWords;
  Napi::Value abortFlag = info[1];
  if (!abortFlag.IsUndefined() &&
      (!abortFlag.IsTypedArray() || abortFlag.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
       abortFlag.As<Napi::Int32Array>().ElementLength() < 1)) {
    throw Napi::TypeError::New(env, "abortFlag must be a non-empty Int32Array");
  }
  return job;
}

}  // namespace

// forward(items: { seq: number, tokens: Int32Array, all: boolean }[], abortFlag?: Int32Array, into?: Float32Array)
//   → Promise<Float32Array> with every item's rows, in order: `into` itself when given (its first rows
//   are written; it must hold them all), else a new array. A reused array spares the allocation,
//   zeroing and page faults of a fresh one per step (a decode step of 8 rows is 1 MiB of logits).
// forwardSync(…same…) → that Float32Array, computed on the JS thread.
Napi::Value AddonContext::StartForward(const Napi::CallbackInfo& info, Thread thread) {
  Napi::Env env = info.Env();
  RequireOpen(env);
  size_t rows = 0;
  ForwardJob job = ParseForward(info, &rows);
  const size_t size = rows * static_cast<size_t>(state_->vocabSize);
  Napi::Value into = info[2];
  Napi::Float32Array logits;
  if (into.IsUndefined()) {
    logits = Napi::Float32Array::New(env, size);
  } else {
    if (!into.IsTypedArray() || into.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
      throw Napi::TypeError::New(env, "into must be a Float32Array");
    }
    logits = into.As<Napi::Float32Array>();
    if (logits.ElementLength() < size) {
      throw Napi::RangeError::New(env, "into holds " + std::to_string(logits.ElementLength()) + " floats, the batch's logits need " +
                                           std::to_string(size));
    }
  }
  return Run(env, std::move(job), logits, {logits.Data(), nullptr}, info[1], thread);
}

// forwardArgmax(items, abortFlag?) → Promise<Int32Array>: forward()'s rows, each reduced in C++ to the
// id of its largest logit (xc_forward_argmax), so a greedy step moves 4 bytes per row, not a vocabulary.
// An item's `allowed` (Uint32Array of ≥ ceil(vocab/32) words, bit i = token i) restricts each of its
// rows to those tokens, or, an array of such masks, one per row, each row to its own
// (xc_forward_argmax_masked; -1 for a row whose mask allows none).
// forwardArgmaxSync(items, abortFlag?) → that Int32Array, computed on the JS thread.
Napi::Value AddonContext::StartForwardArgmax(const Napi::CallbackInfo& info, Thread thread) {
  Napi::Env env = info.Env();
  RequireOpen(env);
  size_t rows = 0;
  ForwardJob job = ParseForward(info, &rows, (static_cast<size_t>(state_->vocabSize) + 31) / 32);
  Napi::Int32Array tokenIds = Napi::Int32Array::New(env, rows);
  return Run(env, std::move(job), tokenIds, {nullptr, tokenIds.Data()}, info[1], thread);
}

// On the JS thread the forward skips two thread hand-offs (to a libuv worker and back through the event
// loop), which cost a small model's decode step a tenth of its time; it blocks the event loop meanwhile,
// so the TS engine keeps it for steps it expects to be short. Its errors are thrown, not rejected.
Napi::Value AddonContext::Run(Napi::Env env, ForwardJob job, Napi::TypedArray output, ForwardOutput pointers,
                              Napi::Value abortFlag, Thread thread) {
  if (thread == Thread::Caller) {
    volatile int32_t* flag = abortFlag.IsTypedArray() ? abortFlag.As<Napi::Int32Array>().Data() : nullptr;
    NativeFailure failure = RunForward(*state_, job, pointers, flag);
    if (failure.Failed()) throw ToJsError(env, failure);
    return output;
  }
  auto* worker = new ForwardWorker(env, this, state_, std::move(job), output, pointers, abortFlag);
  state_->inFlight.insert(worker);
  Ref();
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// lastForwardMs() → the milliseconds the last forward spent in the engine, on whichever thread it ran
// (0 before any): what the TS engine's inline policy compares with its budget.
Napi::Value AddonContext::LastForwardMs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), state_->lastForwardMs.load());
}

// Aborts forwards in flight and resolves once they have settled and the context is freed.
Napi::Value AddonContext::Dispose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  disposed_ = true;
  for (ForwardWorker* worker : state_->inFlight) worker->RequestAbort();
  if (state_->inFlight.empty()) {
    Close();
    deferred.Resolve(env.Undefined());
  } else {
    disposeWaiters_.push_back(deferred);
  }
  return deferred.Promise();
}

}  // namespace xcandle_binding
