// The greedy-token kernel against the runtime's argmax (packages/runtime/src/sampling/argmax.ts): the
// first maximum wins, NaN never does, a row of only NaN and −inf gives 0.
#include <cmath>
#include <limits>
#include <vector>

#include "check.h"
#include "gpu-twins.h"
#if XC_HAS_CUDA
#include "gpu-twin-helpers.h"
#include "kernels/cuda/cuda-kernel-table.h"
#endif

namespace xch {

#if XC_HAS_CUDA

namespace {

int reference_argmax(const float* logits, int vocab, float* best_value) {
  int best = 0;
  float best_logit = -std::numeric_limits<float>::infinity();
  for (int i = 0; i < vocab; i++) {
    if (logits[i] > best_logit) best_logit = logits[i], best = i;
  }
  *best_value = best_logit;
  return best;
}

}  // namespace

TwinResult argmax_twin(std::mt19937& rng, int rows, int vocab) {
  const int64_t stride = vocab + 7;
  std::vector<float> logits = twin::random_floats(rng, static_cast<size_t>(rows) * stride, -10.0f, 10.0f);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  std::uniform_int_distribution<int> index(1, vocab - 2);
  auto row = [&](int r) { return logits.data() + r * stride; };
  for (int r = 0; r < rows; r++) {
    float* x = row(r);
    for (int64_t i = vocab; i < stride; i++) x[i] = 1e30f;  // past the row's end: must not be read as logits
    switch (r % 7) {
      case 0: {  // a tie: the lower index wins
        const int a = index(rng), b = index(rng);
        x[a] = x[b] = 20.0f;
        break;
      }
      case 1:  // NaN scattered, one of them right before the maximum
        for (int i = 0; i < vocab; i += 97) x[i] = nan;
        x[vocab / 2] = nan, x[vocab / 2 + 1] = 30.0f;
        break;
      case 2:
        for (int i = 0; i < vocab; i++) x[i] = nan;
        break;
      case 3:
        for (int i = 0; i < vocab; i++) x[i] = i % 5 == 0 ? nan : -inf;
        break;
      case 4: x[vocab - 1] = 40.0f; break;
      case 5: x[0] = 40.0f; break;
      default: break;  // plain random logits
    }
  }
  std::vector<int32_t> positions(static_cast<size_t>(rows));
  for (int r = 0; r < rows; r++) positions[static_cast<size_t>(r)] = 100 * r + 3;
  const auto logits_gpu = twin::on_device(logits);
  const auto positions_gpu = twin::on_device(positions);
  xc::cuda::DeviceBuffer workspace(xc::cuda::argmax_workspace(rows, vocab));
  xc::cuda::DeviceBuffer tokens(static_cast<size_t>(rows) * 4), best(static_cast<size_t>(rows) * 4);
  tokens.fill(0xA5);
  best.fill(0xFF);
  xc::cuda::cuda_kernels().argmax_rows(logits_gpu->as<float>(), rows, vocab, stride, workspace.data(),
                                       tokens.as<int32_t>(), best.as<float>(), positions_gpu->as<int32_t>(), nullptr);
  xc::cuda::synchronize();
  const std::vector<int32_t> got = twin::download<int32_t>(tokens, static_cast<size_t>(rows));
  const std::vector<float> got_best = twin::download(best, static_cast<size_t>(rows));
  const std::vector<int32_t> got_positions = twin::download<int32_t>(*positions_gpu, static_cast<size_t>(rows));
  int wrong = 0, wrong_best = 0, wrong_positions = 0;
  for (int r = 0; r < rows; r++) {
    float value;
    const int expected = reference_argmax(row(r), vocab, &value);
    wrong += got[static_cast<size_t>(r)] != expected ? 1 : 0;
    wrong_best += got_best[static_cast<size_t>(r)] != value ? 1 : 0;
    wrong_positions += got_positions[static_cast<size_t>(r)] != positions[static_cast<size_t>(r)] + 1 ? 1 : 0;
  }
  TwinResult result{static_cast<double>(wrong) / rows, ""};
  if (wrong > 0) result.problem = std::to_string(wrong) + " of " + std::to_string(rows) + " rows picked another token";
  else if (wrong_best > 0) result.problem = std::to_string(wrong_best) + " rows report another maximum";
  else if (wrong_positions > 0) result.problem = std::to_string(wrong_positions) + " positions not advanced by one";
  return result;
}

#else

TwinResult argmax_twin(std::mt19937&, int, int) { return {0, "built without CUDA"}; }

#endif

}  // namespace xch
