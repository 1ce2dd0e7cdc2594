#pragma once

#include <napi.h>

#include <string>

#include "native-failure.h"

namespace xcandle_binding {

// Maps the GGUF file off the JS thread; resolves to an AddonModel.
class ModelLoadWorker : public Napi::AsyncWorker {
 public:
  ModelLoadWorker(Napi::Env env, std::string path, std::string device, bool keep_file_layout);
  ~ModelLoadWorker() override;
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

 private:
  Napi::Promise::Deferred deferred_;
  std::string path_;
  std::string device_;
  bool keep_file_layout_;
  xc_model* model_ = nullptr;
  NativeFailure failure_;
};

// JS: loadModel(path: string, device?: string): Promise<AddonModel>
Napi::Value JS_loadModel(const Napi::CallbackInfo& info);

}  // namespace xcandle_binding
