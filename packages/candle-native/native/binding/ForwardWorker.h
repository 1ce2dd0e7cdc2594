#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "native-failure.h"

namespace xcandle_binding {

class AddonContext;
struct ContextState;

// The JS batch converted on the JS thread into plain data the worker thread can own.
struct ForwardJob {
  std::vector<int32_t> sequences;
  std::vector<int32_t> tokenCounts;
  std::vector<int32_t> logitsAll;
  std::vector<int32_t> tokens;  // every item's tokens, concatenated in order
};

// Runs xc_forward on a worker thread (no N-API there) and resolves to the Float32Array of logits
// that was allocated on the JS thread before it started; or, built with an Int32Array, runs
// xc_forward_argmax and resolves to that array of each row's argmax token id.
class ForwardWorker : public Napi::AsyncWorker {
 public:
  ForwardWorker(Napi::Env env, AddonContext* owner, std::shared_ptr<ContextState> state, ForwardJob job,
                Napi::Float32Array logits, Napi::Value abortFlag);
  ForwardWorker(Napi::Env env, AddonContext* owner, std::shared_ptr<ContextState> state, ForwardJob job,
                Napi::Int32Array tokenIds, Napi::Value abortFlag);
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
  ForwardWorker(Napi::Env env, AddonContext* owner, std::shared_ptr<ContextState> state, ForwardJob job,
                Napi::TypedArray output, Napi::Value abortFlag);

  Napi::Reference<Napi::TypedArray> outputReference_;
  float* logits_ = nullptr;
  int32_t* tokenIds_ = nullptr;
  Napi::Reference<Napi::Int32Array> abortReference_;
  int32_t ownAbortFlag_ = 0;
  volatile int32_t* abortFlag_ = &ownAbortFlag_;
  NativeFailure failure_;
};

}  // namespace xcandle_binding
