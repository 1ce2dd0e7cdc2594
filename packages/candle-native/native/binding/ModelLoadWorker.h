#pragma once

#include <napi.h>

#include <string>

#include "native-failure.h"

namespace xcandle_binding {

// Maps the GGUF file off the JS thread; resolves to an AddonModel.
class ModelLoadWorker : public Napi::AsyncWorker {
 public:
  ModelLoadWorker(Napi::Env env, std::string path, std::string device, int32_t keep_file_layout,
                  std::string kernels);
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
  int32_t keep_file_layout_;  // xc_model_options.keep_file_layout: 0, 1 or -1
  std::string kernels_;
  xc_model* model_ = nullptr;
  NativeFailure failure_;
};

// JS: loadModel(path: string, device?: string, keepFileLayout?: boolean, kernels?: string): Promise<AddonModel>
// keepFileLayout absent: XC_X8 decides; kernels absent or "": XC_KERNELS, else the fastest table.
Napi::Value JS_loadModel(const Napi::CallbackInfo& info);

}  // namespace xcandle_binding
