#include <napi.h>

#include "AddonContext.h"
#include "AddonModel.h"
#include "ModelLoadWorker.h"
#include "addon-state.h"
#include "xcandle.h"

namespace xcandle_binding {

void Registry::TearDown() {
  // Contexts first: each holds a share of its model's weights.
  for (AddonContext* context : std::set<AddonContext*>(contexts)) context->Close();
  for (AddonModel* model : std::set<AddonModel*>(models)) model->Close();
}

// JS: buildInfo(): string
Napi::Value JS_buildInfo(const Napi::CallbackInfo& info) {
  const char* text = xc_build_info();
  return Napi::String::New(info.Env(), text != nullptr ? text : "");
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* state = new AddonState();
  env.SetInstanceData<AddonState>(state);
  Napi::Function model = AddonModel::Define(env);
  Napi::Function context = AddonContext::Define(env);
  state->modelConstructor = Napi::Persistent(model);
  state->contextConstructor = Napi::Persistent(context);
  // Runs before the environment's own finalizers: stop and wait for worker threads that still use
  // a context, then free every native handle.
  std::shared_ptr<Registry> registry = state->registry;
  env.AddCleanupHook([registry]() { registry->TearDown(); });
  exports.Set("AddonModel", model);
  exports.Set("AddonContext", context);
  exports.Set("loadModel", Napi::Function::New<JS_loadModel>(env, "loadModel"));
  exports.Set("buildInfo", Napi::Function::New<JS_buildInfo>(env, "buildInfo"));
  return exports;
}

}  // namespace xcandle_binding

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return xcandle_binding::Init(env, exports); }

NODE_API_MODULE(xcandle, InitAddon)
