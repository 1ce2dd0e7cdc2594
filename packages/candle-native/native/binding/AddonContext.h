#pragma once

#include <napi.h>

#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "AddonModel.h"
#include "addon-state.h"
#include "context-state.h"
#include "forward-job.h"
#include "xcandle.h"

namespace xcandle_binding {

// Backs the TS type AddonContext: KV-cache sequences over one model.
class AddonContext : public Napi::ObjectWrap<AddonContext> {
 public:
  static Napi::Function Define(Napi::Env env);
  // new AddonContext(model, { contextLength, maxSequences, threads, kvType: 'f16' | 'f32' })
  explicit AddonContext(const Napi::CallbackInfo& info);
  ~AddonContext() override;

  // Aborts work in flight, waits for the running forward, frees the context. Idempotent.
  void Close();
  // Called on the JS thread after a forward worker has settled its promise.
  void ForwardSettled();

 private:
  Napi::Value CreateSequence(const Napi::CallbackInfo& info);
  Napi::Value ForkSequence(const Napi::CallbackInfo& info);
  Napi::Value TruncateSequence(const Napi::CallbackInfo& info);
  Napi::Value ReleaseSequence(const Napi::CallbackInfo& info);
  Napi::Value SequenceLength(const Napi::CallbackInfo& info);
  Napi::Value Forward(const Napi::CallbackInfo& info) { return StartForward(info, Thread::Worker); }
  Napi::Value ForwardSync(const Napi::CallbackInfo& info) { return StartForward(info, Thread::Caller); }
  Napi::Value ForwardArgmax(const Napi::CallbackInfo& info) { return StartForwardArgmax(info, Thread::Worker); }
  Napi::Value ForwardArgmaxSync(const Napi::CallbackInfo& info) { return StartForwardArgmax(info, Thread::Caller); }
  Napi::Value LastForwardMs(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  // Where a forward runs: a libuv worker thread (a promise of the output) or the JS thread (the output).
  enum class Thread { Worker, Caller };
  Napi::Value StartForward(const Napi::CallbackInfo& info, Thread thread);
  Napi::Value StartForwardArgmax(const Napi::CallbackInfo& info, Thread thread);
  Napi::Value Run(Napi::Env env, ForwardJob job, Napi::TypedArray output, ForwardOutput pointers,
                  Napi::Value abortFlag, Thread thread);
  void RequireOpen(Napi::Env env) const;

  std::shared_ptr<ContextState> state_ = std::make_shared<ContextState>();
  std::shared_ptr<Registry> registry_;
  std::vector<Napi::Promise::Deferred> disposeWaiters_;
  bool disposed_ = false;
};

}  // namespace xcandle_binding
