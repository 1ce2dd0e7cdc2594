#include "ForwardWorker.h"

#include "AddonContext.h"

namespace xcandle_binding {

ForwardWorker::ForwardWorker(Napi::Env env, AddonContext* owner, std::shared_ptr<ContextState> state,
                             ForwardJob job, Napi::Float32Array logits, Napi::Value abortFlag)
    : ForwardWorker(env, owner, std::move(state), std::move(job), Napi::TypedArray(logits), abortFlag) {
  logits_ = logits.Data();
}

ForwardWorker::ForwardWorker(Napi::Env env, AddonContext* owner, std::shared_ptr<ContextState> state,
                             ForwardJob job, Napi::Int32Array tokenIds, Napi::Value abortFlag)
    : ForwardWorker(env, owner, std::move(state), std::move(job), Napi::TypedArray(tokenIds), abortFlag) {
  tokenIds_ = tokenIds.Data();
}

ForwardWorker::ForwardWorker(Napi::Env env, AddonContext* owner, std::shared_ptr<ContextState> state,
                             ForwardJob job, Napi::TypedArray output, Napi::Value abortFlag)
    : Napi::AsyncWorker(env, "xcandle.forward"),
      owner_(owner),
      state_(std::move(state)),
      deferred_(Napi::Promise::Deferred::New(env)),
      job_(std::move(job)),
      outputReference_(Napi::Persistent(output)) {
  if (abortFlag.IsTypedArray()) {
    auto flag = abortFlag.As<Napi::Int32Array>();
    abortReference_ = Napi::Persistent(flag);
    abortFlag_ = flag.Data();
  }
}

void ForwardWorker::Execute() {
  try {
    std::vector<xc_batch_item> items(job_.sequences.size());
    size_t offset = 0;
    for (size_t i = 0; i < items.size(); i++) {
      items[i] = {job_.sequences[i], job_.tokens.data() + offset, job_.tokenCounts[i], job_.logitsAll[i]};
      offset += static_cast<size_t>(job_.tokenCounts[i]);
    }
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->handle == nullptr) {
      failure_ = {XC_ERR_ABORTED, "the context was disposed before the forward ran", -1};
      return;
    }
    const auto count = static_cast<int32_t>(items.size());
    failure_ = NativeFailure::Take(tokenIds_ != nullptr
                                       ? xc_forward_argmax(state_->handle, items.data(), count, tokenIds_, abortFlag_)
                                       : xc_forward(state_->handle, items.data(), count, logits_, abortFlag_));
  } catch (const std::exception& exception) {
    failure_ = NativeFailure::Internal(exception.what());
  } catch (...) {
    failure_ = NativeFailure::Internal("unknown native exception in forward");
  }
}

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
