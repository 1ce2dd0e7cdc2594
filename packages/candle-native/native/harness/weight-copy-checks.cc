// Where a loaded model's matrices live: F16/BF16 ones that a table streams with a one-token tile are
// copied into the weight arena's huge pages byte for byte (the file's 4 KiB pages cost a TLB entry
// each per decoded token), and the logits stay bit-identical to a load that reads them in place.
#include <cstring>

#include "check.h"
#include "gguf-writer.h"
#include "gguf/gguf-file.h"
#include "kernels/cpu/kernel-table.h"
#include "models/model-config.h"
#include "models/model-weights.h"
#include "session.h"

namespace xch {

namespace {

bool in_file(const xc::GgufFile& file, const xc::WeightMatrix& w) {
  for (const xc::GgufTensor& tensor : file.tensors()) {
    if (w.data >= tensor.data && w.data < tensor.data + tensor.bytes) return true;
  }
  return false;
}

void check_copied(Checker& check, const std::string& path, const std::string& label) {
  const xc::GgufFile file(path);
  const xc::ModelConfig config = xc::read_model_config(file);
  const xc::KernelTable& kernels = xc::best_kernels();
  const xc::ModelWeights copied = xc::load_model_weights(file, config, kernels, true);
  const xc::ModelWeights in_place = xc::load_model_weights(file, config, kernels, false);
  const xc::WeightMatrix& wq = copied.layers[0].wq;
  const bool streams = kernels.traits(wq.type).ggml.tile_4x1 != nullptr;
  bool same_bytes = true, where = true;
  for (size_t l = 0; l < copied.layers.size(); l++) {
    for (const auto member : {&xc::LayerWeights::wq, &xc::LayerWeights::wk, &xc::LayerWeights::wv, &xc::LayerWeights::wo,
                              &xc::LayerWeights::w_gate, &xc::LayerWeights::w_up, &xc::LayerWeights::w_down}) {
      const xc::WeightMatrix& a = copied.layers[l].*member;
      const xc::WeightMatrix& b = in_place.layers[l].*member;
      where &= in_file(file, b) && in_file(file, a) != streams && a.layout == xc::WeightLayout::Ggml;
      same_bytes &= std::memcmp(a.data, b.data, static_cast<size_t>(a.rows * a.row_bytes)) == 0;
    }
  }
  where &= in_file(file, copied.output) != streams;
  check.expect(where, label + ": matrices copied into the arena exactly where the table has a one-token tile (" + kernels.name + ")");
  check.expect(same_bytes, label + ": the arena's copies hold the file's bytes");
  check.expect(copied.relaid_bytes == 0, label + ": a plain copy is not counted as re-laid");
  // tied embeddings: the lookups read the copy too
  check.expect(copied.token_embedding.data == copied.output.data, label + ": tied embedding lookups read the output matrix");

  xc_model_options relaid{};
  relaid.keep_file_layout = -1;
  xc_model_options file_layout{};
  file_layout.keep_file_layout = 1;
  Session a(path, xc_context_options{64, 2, 1, XC_KV_F32}, relaid);
  Session b(path, xc_context_options{64, 2, 1, XC_KV_F32}, file_layout);
  const std::vector<int32_t> prompt = {3, 17, 40, 5, 99, 12};
  const std::vector<float> x = a.forward(a.create(), prompt, true);
  const std::vector<float> y = b.forward(b.create(), prompt, true);
  check.expect(x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0,
               label + ": logits from the arena's copy = logits from the file's pages, bit for bit");
}

}  // namespace

void run_weight_copy_checks(Checker& check, const std::string& temp_dir) {
  for (const auto type : {xc::GgmlType::F16, xc::GgmlType::BF16}) {
    SynthSpec spec;
    spec.embedding = 128, spec.heads = 4, spec.kv_heads = 2, spec.feed_forward = 256, spec.vocab = 192;
    spec.type = type;
    spec.tied_embeddings = true;
    const std::string name = type == xc::GgmlType::F16 ? "F16" : "BF16";
    const std::string path = temp_dir + "/copy-" + name + ".gguf";
    write_synth_model(spec, path);
    check_copied(check, path, name + " weight copy");
  }
}

}  // namespace xch
