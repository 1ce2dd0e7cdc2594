#include "ForwardWorker.h"

#include "AddonContext.h"

namespace xcandle_binding {

ForwardWorker::ForwardWorker(Napi::Env env, AddonContext* owner, std::shared_ptr<ContextState> state,
                             ForwardJob job, Napi::TypedArray output, ForwardOutput pointers, Napi::Value abortFlag)
    : Napi::AsyncWorker(env, "xcandle.forward"),
      owner_(owner),
      state_(std::move(state)),
      deferred_(Napi::Promise::Deferred::New(env)),
      job_(std::move(job)),
      outputReference_(Napi::Persistent(output)),
      output_(pointers) {
  if (abortFlag.IsTypedArray()) {
    auto flag = abortFlag.As<Napi::Int32Array>();
    abortReference_ = Napi::Persistent(flag);
    abortFlag_ = flag.Data();
  }
}

void ForwardWorker::Execute() { failure_ = RunForward(*state_, job_, output_, abortFlag_); }

ForwardWorker::~ForwardWorker() { state_->inFlight.erase(this); }

// The forward's promise settles before any dispose() waiting on it. The bookkeeping comes first:
// in a terminating environment the N-API calls after it throw. The owner stays referenced until
// the last use of it.
void ForwardWorker::OnOK() {
  state_->inFlight.erase(this);
  if (failure_.Failed()) {
    deferred_.Reject(ToJsError(Env(), failure_).Value());
  } else {
    deferred_.Resolve(outputReference_.Value());
  }
  owner_->ForwardSettled();
  owner_->Unref();
}

void ForwardWorker::OnError(const Napi::Error& error) {
  state_->inFlight.erase(this);
  deferred_.Reject(error.Value());
  owner_->ForwardSettled();
  owner_->Unref();
}

}  // namespace xcandle_binding
