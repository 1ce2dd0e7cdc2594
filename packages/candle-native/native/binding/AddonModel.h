#pragma once

#include <napi.h>

#include <memory>

#include "addon-state.h"
#include "xcandle.h"

namespace xcandle_binding {

// Owns the xc_model; contexts share it so the weights outlive `dispose()` while a context uses them.
struct ModelHandle {
  xc_model* model;
  explicit ModelHandle(xc_model* owned) : model(owned) {}
  ~ModelHandle() { xc_model_free(model); }
  ModelHandle(const ModelHandle&) = delete;
  ModelHandle& operator=(const ModelHandle&) = delete;
};

// Backs the TS type AddonModel: loaded weights, read-only.
class AddonModel : public Napi::ObjectWrap<AddonModel> {
 public:
  static Napi::Function Define(Napi::Env env);
  // Constructed only by the load worker, with an External<xc_model> it hands over.
  explicit AddonModel(const Napi::CallbackInfo& info);
  ~AddonModel() override;

  // Null once disposed.
  std::shared_ptr<ModelHandle> Handle() const { return handle_; }
  void Close() { handle_.reset(); }

 private:
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  std::shared_ptr<ModelHandle> handle_;
  std::shared_ptr<Registry> registry_;
};

}  // namespace xcandle_binding
