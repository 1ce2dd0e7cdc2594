#include "ModelLoadWorker.h"

#include "AddonModel.h"
#include "addon-state.h"

namespace xcandle_binding {

ModelLoadWorker::ModelLoadWorker(Napi::Env env, std::string path, std::string device, int32_t keep_file_layout,
                                 std::string kernels)
    : Napi::AsyncWorker(env, "xcandle.loadModel"),
      deferred_(Napi::Promise::Deferred::New(env)),
      path_(std::move(path)),
      device_(std::move(device)),
      keep_file_layout_(keep_file_layout),
      kernels_(std::move(kernels)) {}

ModelLoadWorker::~ModelLoadWorker() {
  if (model_ != nullptr) xc_model_free(model_);
}

void ModelLoadWorker::Execute() {
  try {
    xc_model_options options{};
    options.device = device_.empty() ? nullptr : device_.c_str();
    options.keep_file_layout = keep_file_layout_;
    options.kernels = kernels_.empty() ? nullptr : kernels_.c_str();
    failure_ = NativeFailure::Take(xc_model_load(path_.c_str(), &options, &model_));
    if (!failure_.Failed() && model_ == nullptr) failure_ = NativeFailure::Internal("xc_model_load returned no model");
  } catch (const std::exception& exception) {
    failure_ = NativeFailure::Internal(exception.what());
  } catch (...) {
    failure_ = NativeFailure::Internal("unknown native exception while loading the model");
  }
}

void ModelLoadWorker::OnOK() {
  Napi::Env env = Env();
  if (failure_.Failed()) {
    deferred_.Reject(ToJsError(env, failure_).Value());
    return;
  }
  try {
    xc_model* model = model_;
    model_ = nullptr;  // the AddonModel constructor owns it from here
    Napi::Object wrapper = GetState(env)->modelConstructor.New({Napi::External<xc_model>::New(env, model)});
    deferred_.Resolve(wrapper);
  } catch (const Napi::Error& error) {
    deferred_.Reject(error.Value());
  }
}

void ModelLoadWorker::OnError(const Napi::Error& error) { deferred_.Reject(error.Value()); }

Napi::Value JS_loadModel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "path must be a string");
  std::string device;
  if (info.Length() > 1 && !info[1].IsUndefined()) {
    if (!info[1].IsString()) throw Napi::TypeError::New(env, "device must be a string");
    device = info[1].As<Napi::String>().Utf8Value();
  }
  int32_t keep_file_layout = 0;  // absent: the environment's default
  if (info.Length() > 2 && !info[2].IsUndefined()) {
    if (!info[2].IsBoolean()) throw Napi::TypeError::New(env, "keepFileLayout must be a boolean");
    keep_file_layout = info[2].As<Napi::Boolean>().Value() ? 1 : -1;
  }
  std::string kernels;
  if (info.Length() > 3 && !info[3].IsUndefined()) {
    if (!info[3].IsString()) throw Napi::TypeError::New(env, "kernels must be a string");
    kernels = info[3].As<Napi::String>().Utf8Value();
  }
  auto* worker =
      new ModelLoadWorker(env, info[0].As<Napi::String>().Utf8Value(), device, keep_file_layout, std::move(kernels));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace xcandle_binding
