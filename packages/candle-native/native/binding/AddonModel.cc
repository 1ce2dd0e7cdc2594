#include "AddonModel.h"

#include <cstring>
#include <string>

#include "native-failure.h"

namespace xcandle_binding {

Napi::Function AddonModel::Define(Napi::Env env) {
  return DefineClass(env, "AddonModel",
                     {
                         InstanceMethod<&AddonModel::Info>("info"),
                         InstanceMethod<&AddonModel::Dispose>("dispose"),
                     });
}

AddonModel::AddonModel(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AddonModel>(info) {
  if (info.Length() < 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "AddonModel cannot be constructed directly; use loadModel()");
  }
  handle_ = std::make_shared<ModelHandle>(info[0].As<Napi::External<xc_model>>().Data());
  registry_ = GetState(info.Env())->registry;
  registry_->models.insert(this);
}

AddonModel::~AddonModel() { registry_->models.erase(this); }

Napi::Value AddonModel::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!handle_) throw ToJsError(env, {XC_ERR_INVALID_ARGUMENT, "the model has been disposed", -1});
  xc_model_info native{};
  ThrowIfFailed(env, xc_model_get_info(handle_->model, &native));
  // The engine fills fixed char arrays; never trust them to be terminated.
  auto text = [&](const char* field, size_t size) { return Napi::String::New(env, std::string(field, strnlen(field, size))); };
  Napi::Object result = Napi::Object::New(env);
  result.Set("architecture", text(native.architecture, sizeof native.architecture));
  result.Set("name", text(native.name, sizeof native.name));
  result.Set("weightType", text(native.weight_type, sizeof native.weight_type));
  result.Set("vocabSize", native.vocab_size);
  result.Set("contextLength", native.context_length);
  result.Set("embeddingLength", native.embedding_length);
  result.Set("layerCount", native.layer_count);
  result.Set("headCount", native.head_count);
  result.Set("headCountKv", native.head_count_kv);
  result.Set("weightBytes", static_cast<double>(native.weight_bytes));
  result.Set("relaidBytes", static_cast<double>(native.relaid_bytes));
  result.Set("device", text(native.device, sizeof native.device));
  return result;
}

Napi::Value AddonModel::Dispose(const Napi::CallbackInfo& info) {
  Close();
  return info.Env().Undefined();
}

}  // namespace xcandle_binding
