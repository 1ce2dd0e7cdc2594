#pragma once

#include <napi.h>

#include <memory>

#include "forward-job.h"
#include "native-failure.h"

namespace xcandle_binding {

class AddonContext;
struct ContextState;

// Runs a forward on a libuv worker thread (no N-API there) and resolves to its output array, which
// was allocated on the JS thread before it started: the Float32Array of logits, or the Int32Array of
// each row's argmax token id.
class ForwardWorker : public Napi::AsyncWorker {
 public:
  ForwardWorker(Napi::Env env, AddonContext* owner, std::shared_ptr<ContextState> state, ForwardJob job,
                Napi::TypedArray output, ForwardOutput pointers, Napi::Value abortFlag);
  ~ForwardWorker() override;
  Napi::Promise Promise() const { return deferred_.Promise(); }
  // JS thread only: makes the engine stop at its next poll.
  void RequestAbort() { *abortFlag_ = 1; }

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

 private:
  AddonContext* owner_;
  std::shared_ptr<ContextState> state_;
  Napi::Promise::Deferred deferred_;
  ForwardJob job_;
  Napi::Reference<Napi::TypedArray> outputReference_;
  ForwardOutput output_;
  Napi::Reference<Napi::Int32Array> abortReference_;
  int32_t ownAbortFlag_ = 0;
  volatile int32_t* abortFlag_ = &ownAbortFlag_;
  NativeFailure failure_;
};

}  // namespace xcandle_binding
