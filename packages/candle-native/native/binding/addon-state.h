#pragma once

#include <napi.h>

#include <memory>
#include <set>

namespace xcandle_binding {

class AddonContext;
class AddonModel;

// Every live wrapper of one Node environment, so the env cleanup hook can stop work in flight and
// free native handles before the environment goes away. Used on the JS thread only.
struct Registry {
  std::set<AddonContext*> contexts;
  std::set<AddonModel*> models;
  void TearDown();
};

// Per-environment instance data (one per main thread / worker_thread).
struct AddonState {
  Napi::FunctionReference modelConstructor;
  Napi::FunctionReference contextConstructor;
  std::shared_ptr<Registry> registry = std::make_shared<Registry>();
};

inline AddonState* GetState(Napi::Env env) { return env.GetInstanceData<AddonState>(); }

}  // namespace xcandle_binding
