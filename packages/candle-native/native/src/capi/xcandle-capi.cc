// The C API: every entry point catches every exception into an xc_error, so nothing throws or
// aborts across the boundary.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "common/error.h"
#include "engine/context.h"
#include "engine/model.h"
#include "kernels/cpu/cpu-features.h"
#include "kernels/cpu/kernel-table.h"
#include "xcandle.h"
#if XC_HAS_CUDA
#include "kernels/cuda/cuda-probe.h"
#endif

struct xc_error {
  xc_code code;
  std::string message;
  int64_t offset;
};

struct xc_model {
  std::shared_ptr<const xc::Model> model;
};

struct xc_context {
  std::unique_ptr<xc::Context> context;
};

namespace {

// Returned when even the error cannot be allocated; xc_error_free leaves it alone.
xc_error g_out_of_memory{XC_ERR_OUT_OF_MEMORY, "out of memory", -1};

xc_error* make_error(xc_code code, const std::string& message, int64_t offset = -1) {
  try {
    return new xc_error{code, message, offset};
  } catch (...) {
    return &g_out_of_memory;
  }
}

template <typename Body>
xc_error* guarded(Body&& body) {
  try {
    body();
    return nullptr;
  } catch (const xc::Error& error) {
    return make_error(error.code(), error.what(), error.offset());
  } catch (const std::bad_alloc&) {
    return make_error(XC_ERR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& error) {
    return make_error(XC_ERR_INTERNAL, error.what());
  } catch (...) {
    return make_error(XC_ERR_INTERNAL, "unknown exception");
  }
}

void require(bool condition, const char* message) {
  if (!condition) xc::fail(XC_ERR_INVALID_ARGUMENT, message);
}

}  // namespace

extern "C" {

xc_code xc_error_code(const xc_error* error) { return error == nullptr ? XC_OK : error->code; }

const char* xc_error_message(const xc_error* error) { return error == nullptr ? "" : error->message.c_str(); }

int64_t xc_error_offset(const xc_error* error) { return error == nullptr ? -1 : error->offset; }

void xc_error_free(xc_error* error) {
  if (error != &g_out_of_memory) delete error;
}

xc_error* xc_model_load(const char* path, const xc_model_options* options, xc_model** out_model) {
  return guarded([&] {
    require(path != nullptr && out_model != nullptr, "path and out_model must not be null");
    *out_model = nullptr;
    const xc::Device device = xc::require_device(xc::parse_device(options != nullptr ? options->device : nullptr));
    const int32_t keep_file_layout = options != nullptr ? options->keep_file_layout : 0;
    const char* relay = std::getenv("XC_X8");  // "0": keep the file's layout by default
    const bool interleave =
        keep_file_layout < 0 || (keep_file_layout == 0 && !(relay != nullptr && std::strcmp(relay, "0") == 0));
    const bool named = options != nullptr && options->kernels != nullptr && *options->kernels != '\0';
    const xc::KernelTable& kernels = named ? xc::kernels_named(options->kernels) : xc::default_kernels();
    auto model = std::make_unique<xc_model>();
    model->model = std::make_shared<const xc::Model>(path, device, kernels, interleave);
    *out_model = model.release();
  });
}

xc_error* xc_model_get_info(const xc_model* model, xc_model_info* out_info) {
  return guarded([&] {
    require(model != nullptr && out_info != nullptr, "model and out_info must not be null");
    *out_info = model->model->info();
  });
}

void xc_model_free(xc_model* model) { delete model; }

xc_error* xc_context_create(xc_model* model, const xc_context_options* options, xc_context** out_context) {
  return guarded([&] {
    require(model != nullptr && out_context != nullptr, "model and out_context must not be null");
    *out_context = nullptr;
    const xc_context_options defaults{0, 0, 0, XC_KV_F16};
    auto context = std::make_unique<xc_context>();
    context->context = std::make_unique<xc::Context>(model->model, options != nullptr ? *options : defaults);
    *out_context = context.release();
  });
}

void xc_context_free(xc_context* context) { delete context; }

xc_error* xc_sequence_create(xc_context* context, int32_t* out_sequence) {
  return guarded([&] {
    require(context != nullptr && out_sequence != nullptr, "context and out_sequence must not be null");
    *out_sequence = context->context->kv().create();
  });
}

xc_error* xc_sequence_fork(xc_context* context, int32_t from, int32_t n_tokens, int32_t* out_sequence) {
  return guarded([&] {
    require(context != nullptr && out_sequence != nullptr, "context and out_sequence must not be null");
    *out_sequence = context->context->kv().fork(from, n_tokens);
  });
}

xc_error* xc_sequence_truncate(xc_context* context, int32_t sequence, int32_t n_tokens) {
  return guarded([&] {
    require(context != nullptr, "context must not be null");
    context->context->kv().truncate(sequence, n_tokens);
  });
}

xc_error* xc_sequence_release(xc_context* context, int32_t sequence) {
  return guarded([&] {
    require(context != nullptr, "context must not be null");
    context->context->kv().release(sequence);
  });
}

xc_error* xc_sequence_length(const xc_context* context, int32_t sequence, int32_t* out_length) {
  return guarded([&] {
    require(context != nullptr && out_length != nullptr, "context and out_length must not be null");
    *out_length = context->context->kv().length(sequence);
  });
}

xc_error* xc_forward(xc_context* context, const xc_batch_item* items, int32_t item_count, float* logits,
                     const volatile int32_t* abort_flag) {
  return guarded([&] {
    require(context != nullptr, "context must not be null");
    context->context->forward(items, item_count, logits, abort_flag);
  });
}

xc_error* xc_forward_argmax(xc_context* context, const xc_batch_item* items, int32_t item_count, int32_t* token_ids,
                            const volatile int32_t* abort_flag) {
  return guarded([&] {
    require(context != nullptr, "context must not be null");
    context->context->forward_argmax(items, item_count, nullptr, token_ids, abort_flag);
  });
}

xc_error* xc_forward_argmax_masked(xc_context* context, const xc_batch_item* items, int32_t item_count,
                                   const uint32_t* const* allowed, int32_t* token_ids,
                                   const volatile int32_t* abort_flag) {
  return guarded([&] {
    require(context != nullptr, "context must not be null");
    context->context->forward_argmax(items, item_count, allowed, token_ids, abort_flag);
  });
}

const char* xc_build_info(void) {
  static const std::string info = [] {
    const xc::CpuFeatures& cpu = xc::cpu_features();
    std::string text;
    text += cpu.avx2 ? "avx2 " : "no-avx2 ";
    text += cpu.fma ? "fma " : "no-fma ";
    text += cpu.f16c ? "f16c " : "no-f16c ";
    text += std::string("kernels=") + xc::default_kernels().name;
#if XC_HAS_CUDA
    text += std::string(" cuda=on (") + xc::cuda::cuda_architectures() + ")";
#else
    text += " cuda=off";
#endif
    return text;
  }();
  return info.c_str();
}

}  // extern "C"
