#include "forward-job.h"

#include <chrono>
#include <exception>
#include <mutex>

#include "context-state.h"

namespace xcandle_binding {

NativeFailure RunForward(ContextState& state, const ForwardJob& job, ForwardOutput output,
                         volatile int32_t* abortFlag) {
  try {
    std::vector<xc_batch_item> items(job.sequences.size());
    size_t offset = 0;
    for (size_t i = 0; i < items.size(); i++) {
      items[i] = {job.sequences[i], job.tokens.data() + offset, job.tokenCounts[i], job.logitsAll[i]};
      offset += static_cast<size_t>(job.tokenCounts[i]);
    }
    // One mask pointer per output row.
    std::vector<const uint32_t*> allowed;
    allowed.reserve(job.rowMaskOffsets.size());
    for (const int64_t at : job.rowMaskOffsets) allowed.push_back(at < 0 ? nullptr : job.masks.data() + at);
    std::lock_guard<std::mutex> lock(state.mutex);
    if (state.handle == nullptr) return {XC_ERR_ABORTED, "the context was disposed before the forward ran", -1};
    const auto count = static_cast<int32_t>(items.size());
    const auto started = std::chrono::steady_clock::now();
    xc_error* const status = output.tokenIds != nullptr
                                 ? xc_forward_argmax_masked(state.handle, items.data(), count,
                                                            allowed.empty() ? nullptr : allowed.data(),
                                                            output.tokenIds, abortFlag)
                                 : xc_forward(state.handle, items.data(), count, output.logits, abortFlag);
    state.lastForwardMs.store(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
    return NativeFailure::Take(status);
  } catch (const std::exception& exception) {
    return NativeFailure::Internal(exception.what());
  } catch (...) {
    return NativeFailure::Internal("unknown native exception in forward");
  }
}

}  // namespace xcandle_binding
