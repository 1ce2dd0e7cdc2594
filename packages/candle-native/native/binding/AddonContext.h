#pragma once

#include <napi.h>

#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "AddonModel.h"
#include "addon-state.h"
#include "xcandle.h"

namespace xcandle_binding {

class ForwardWorker;

// What a forward worker shares with its context. `mutex` serialises every use of `handle`, so a
// sequence call on the JS thread waits for a forward running on a worker thread.
struct ContextState {
  std::mutex mutex;
  xc_context* handle = nullptr;
  std::shared_ptr<ModelHandle> model;
  int32_t vocabSize = 0;
  // Forward workers not yet destroyed (JS thread only). A worker removes itself, even when the
  // environment is shutting down and its completion callback cannot run JS.
  std::set<ForwardWorker*> inFlight;
};

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
  Napi::Value Forward(const Napi::CallbackInfo& info);
  Napi::Value ForwardArgmax(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  void RequireOpen(Napi::Env env) const;

  std::shared_ptr<ContextState> state_ = std::make_shared<ContextState>();
  std::shared_ptr<Registry> registry_;
  std::vector<Napi::Promise::Deferred> disposeWaiters_;
  bool disposed_ = false;
};

}  // namespace xcandle_binding
