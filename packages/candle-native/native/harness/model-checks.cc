// End-to-end checks through the C API: the trained stories260K model against llama.cpp's greedy
// output, then consistency properties (prefill = decode, fork/truncate = recomputation, scalar = AVX2,
// interleaved = as in the file, quantized ≈ F32) on synthetic models of every architecture; the batch
// and argmax checks they also run are in batch-checks.cc and argmax-checks.cc.
#include "model-checks.h"

#include <cstring>
#include <limits>

#include "gguf-writer.h"
#include "kernels/cpu/kernel-table.h"
#include "session.h"

namespace xch {

const std::vector<int32_t> kStoriesPrompt = {1, 403, 407, 261, 378};
const std::vector<int32_t> kStoriesGreedy = {
    432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337, 410, 408, 419, 292, 411, 322,
    265, 282, 295, 433, 426, 385, 328, 432, 358, 394, 261, 370, 432, 352, 266, 268, 388, 426, 338, 391, 266, 267,
    337, 335, 312, 432, 398, 312, 286, 267, 414, 270, 333, 415, 426, 13,  438, 310, 439, 419, 357, 336};

std::vector<int32_t> tokens_for(int count, int vocab, int salt) {
  std::vector<int32_t> tokens;
  for (int i = 0; i < count; i++) tokens.push_back((i * 7919 + salt * 104729 + 13) % vocab);
  return tokens;
}

std::string first_difference(const std::vector<int32_t>& got, const std::vector<int32_t>& want) {
  for (size_t i = 0; i < want.size(); i++) {
    if (i >= got.size() || got[i] != want[i]) {
      return "first difference at " + std::to_string(i) + ": got " + (i < got.size() ? std::to_string(got[i]) : "-") +
             ", want " + std::to_string(want[i]);
    }
  }
  return "";
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(float) * a.size()) == 0;
}

namespace {

std::vector<int32_t> greedy(Session& session, const std::vector<int32_t>& prompt, size_t count) {
  const int sequence = session.create();
  std::vector<int32_t> out;
  std::vector<float> logits = session.forward(sequence, prompt);
  while (out.size() < count) {
    out.push_back(argmax(logits.data(), session.vocab()));
    logits = session.forward(sequence, {out.back()});
  }
  return out;
}

// Properties every model must have, whatever its weights.
void check_consistency(Checker& check, const std::string& path, const std::string& label, double tolerance) {
  Session session(path, options());
  const int vocab = session.vocab();
  // 150 tokens span three 64-token KV pages; the fork and the truncation land inside pages
  const std::vector<int32_t> prompt = tokens_for(150, vocab, 1);

  // prefill of all tokens at once = one token at a time
  const int a = session.create();
  const std::vector<float> all = session.forward(a, prompt, true);
  const int b = session.create();
  double worst = 0;
  for (size_t i = 0; i < prompt.size(); i++) {
    const std::vector<float> row = session.forward(b, {prompt[i]});
    worst = std::max(worst, relative_l2(row.data(), all.data() + i * vocab, vocab));
  }
  check.expect(worst < tolerance, label + ": batched prefill = token-by-token decode", "rel L2 " + number(worst));

  // two sequences in one call = separate calls
  const std::vector<int32_t> other = tokens_for(9, vocab, 2);
  const int c = session.create();
  const int d = session.create();
  std::vector<float> both(2 * static_cast<size_t>(vocab));
  const xc_batch_item items[2] = {{c, prompt.data(), 97, 0}, {d, other.data(), 9, 0}};
  ok(xc_forward(session.context(), items, 2, both.data(), nullptr), "batch");
  const int e = session.create();
  const std::vector<float> alone = session.forward(e, other);
  const double batch_error = relative_l2(both.data() + vocab, alone.data(), vocab);
  check.expect(batch_error < tolerance, label + ": two sequences in one call = separate calls", "rel L2 " + number(batch_error));
  const double first_error = relative_l2(both.data(), all.data() + 96 * static_cast<size_t>(vocab), vocab);
  check.expect(first_error < tolerance, label + ": batch row of the first sequence", "rel L2 " + number(first_error));

  // fork shares a prefix; writing after the fork leaves the original untouched
  int32_t forked = -1;
  ok(xc_sequence_fork(session.context(), a, 100, &forked), "fork");
  const std::vector<float> after_fork = session.forward(forked, {prompt[5]});
  std::vector<int32_t> replay(prompt.begin(), prompt.begin() + 100);
  replay.push_back(prompt[5]);
  const int f = session.create();
  const std::vector<float> expected_fork = session.forward(f, replay);
  const double fork_error = relative_l2(after_fork.data(), expected_fork.data(), vocab);
  check.expect(fork_error < tolerance, label + ": fork(100) then append = recomputation", "rel L2 " + number(fork_error));
  const std::vector<float> original = session.forward(a, {prompt[3]});
  std::vector<int32_t> full = prompt;
  full.push_back(prompt[3]);
  ok(xc_sequence_release(session.context(), f), "release");
  const int g = session.create();
  const std::vector<float> expected_original = session.forward(g, full);
  const double original_error = relative_l2(original.data(), expected_original.data(), vocab);
  check.expect(original_error < tolerance, label + ": original sequence unaffected by its fork",
               "rel L2 " + number(original_error));

  // truncate then append = recomputation
  ok(xc_sequence_truncate(session.context(), a, 70), "truncate");
  const std::vector<float> truncated = session.forward(a, {prompt[30]});
  std::vector<int32_t> short_prompt(prompt.begin(), prompt.begin() + 70);
  short_prompt.push_back(prompt[30]);
  ok(xc_sequence_release(session.context(), g), "release");
  const int h = session.create();
  const std::vector<float> expected_truncated = session.forward(h, short_prompt);
  const double truncate_error = relative_l2(truncated.data(), expected_truncated.data(), vocab);
  check.expect(truncate_error < tolerance, label + ": truncate(70) then append = recomputation",
               "rel L2 " + number(truncate_error));
  check.expect(session.length(a) == 71, label + ": length after truncate + append");

  // Pages a released or truncated sequence dropped serve the next sequences; a page a fork still holds
  // is not handed out: the fork's continuation still equals recomputation after others wrote theirs.
  int32_t kept = -1;
  ok(xc_sequence_fork(session.context(), a, 71, &kept), "fork");
  ok(xc_sequence_truncate(session.context(), a, 10), "truncate");
  ok(xc_sequence_release(session.context(), h), "release");
  const int i = session.create();
  session.forward(i, tokens_for(130, vocab, 4));
  session.forward(a, tokens_for(120, vocab, 5));
  const std::vector<float> continued = session.forward(kept, {prompt[7]});
  std::vector<int32_t> kept_prompt = short_prompt;
  kept_prompt.push_back(prompt[7]);
  ok(xc_sequence_release(session.context(), i), "release");
  const int j = session.create();
  const std::vector<float> expected_kept = session.forward(j, kept_prompt);
  const double reuse_error = relative_l2(continued.data(), expected_kept.data(), vocab);
  check.expect(reuse_error < tolerance, label + ": recycled KV pages leave a fork's shared pages alone",
               "rel L2 " + number(reuse_error));
}

// Logits of the whole prompt under the scalar and the best kernels.
void check_scalar_agrees(Checker& check, const std::string& path, const std::string& label, double tolerance) {
  Session fast(path, options());
  Session scalar(path, options(), kernels("scalar"));
  const std::vector<int32_t> prompt = tokens_for(20, fast.vocab(), 3);
  const std::vector<float> a = fast.forward(fast.create(), prompt, true);
  const std::vector<float> b = scalar.forward(scalar.create(), prompt, true);
  const double error = relative_l2(a.data(), b.data(), a.size());
  check.expect(error < tolerance, label + ": scalar kernels = " + std::string(xc_build_info()).substr(0, 0) + "best kernels",
               "rel L2 " + number(error));
}

// Logits of the whole prompt with the weights re-laid in the interleaved layout (where the CPU's kernels use
// it) and with them as in the file.
void check_interleaved_agrees(Checker& check, const std::string& path, const std::string& label, double tolerance) {
  xc_model_options relaid{};
  relaid.keep_file_layout = -1;
  xc_model_options file_layout{};
  file_layout.keep_file_layout = 1;
  Session interleaved(path, options(), relaid);
  Session ggml(path, options(), file_layout);
  const std::vector<int32_t> prompt = tokens_for(20, interleaved.vocab(), 5);
  const std::vector<float> a = interleaved.forward(interleaved.create(), prompt, true);
  const std::vector<float> b = ggml.forward(ggml.create(), prompt, true);
  const double error = relative_l2(a.data(), b.data(), a.size());
  check.expect(error < tolerance, label + ": interleaved layout = file layout", "rel L2 " + number(error));
  // the model is laid out for the table it names: the scalar table has no interleaved tiles
  check.expect(ggml.info().relaid_bytes == 0, label + ": keep_file_layout = 1 re-lays nothing");
  Session scalar(path, options(), kernels("scalar"));
  check.expect(scalar.info().relaid_bytes == 0, label + ": a model loaded for the scalar table re-lays nothing");
}

}  // namespace

void run_model_checks(Checker& check, const std::string& gguf_path, const std::string& temp_dir) {
  // stories260K: exact greedy tokens with each KV type and kernel set
  for (int variant = 0; variant < 3; variant++) {
    const xc_kv_type kv = variant == 1 ? XC_KV_F16 : XC_KV_F32;
    const bool scalar = variant == 2;
    const std::string label = std::string("stories260K greedy 64 tokens, kv ") + (kv == XC_KV_F16 ? "f16" : "f32") +
                              (scalar ? ", scalar kernels" : "");
    Session session(gguf_path, options(256, kv), kernels(scalar ? "scalar" : nullptr));
    const std::vector<int32_t> got = greedy(session, kStoriesPrompt, kStoriesGreedy.size());
    check.expect(got == kStoriesGreedy, label, first_difference(got, kStoriesGreedy));
  }
  {
    Session session(gguf_path, options());
    const xc_model_info& info = session.info();
    check.expect(std::strcmp(info.architecture, "llama") == 0 && info.vocab_size == 512 && info.layer_count == 5 &&
                     info.head_count == 8 && info.head_count_kv == 4 && info.embedding_length == 64 &&
                     std::strcmp(info.weight_type, "F32") == 0 && std::strcmp(info.device, "cpu") == 0,
                 "stories260K model info");
  }
  check_consistency(check, gguf_path, "stories260K", 1e-4);
  check_forward_argmax(check, gguf_path);
  check_sparse_head_argmax(check, gguf_path, "stories260K");
  check_scalar_agrees(check, gguf_path, "stories260K", 1e-5);

  // every architecture, F32 weights, through the same properties
  for (const char* arch : {"llama", "qwen2", "qwen3", "phi3", "gemma2", "gemma3"}) {
    SynthSpec spec;
    spec.architecture = arch;
    spec.tied_embeddings = std::strcmp(arch, "qwen2") == 0 || std::strncmp(arch, "gemma", 5) == 0;
    const std::string path = temp_dir + "/" + arch + "-f32.gguf";
    write_synth_model(spec, path);
    check_consistency(check, path, std::string(arch) + " F32", 1e-4);
    check_split_decode(check, path, std::string(arch) + " F32", 1e-4);
    check_scalar_agrees(check, path, std::string(arch) + " F32", 1e-5);
  }

  // every weight type against F32 weights drawn from the same numbers
  SynthSpec spec;
  spec.embedding = 256, spec.heads = 4, spec.kv_heads = 2, spec.feed_forward = 512, spec.vocab = 320;
  const std::string reference_path = temp_dir + "/wide-f32.gguf";
  write_synth_model(spec, reference_path);
  Session reference(reference_path, options());
  const std::vector<int32_t> prompt = tokens_for(24, reference.vocab(), 4);
  const std::vector<float> expected = reference.forward(reference.create(), prompt, true);
  const struct {
    xc::GgmlType type;
    const char* name;
    double tolerance;
  } types[] = {{xc::GgmlType::F16, "F16", 5e-3},   {xc::GgmlType::BF16, "BF16", 3e-2},
               {xc::GgmlType::Q8_0, "Q8_0", 3e-2}, {xc::GgmlType::Q6_K, "Q6_K", 6e-2},
               {xc::GgmlType::Q5_0, "Q5_0", 0.15}, {xc::GgmlType::Q4_0, "Q4_0", 0.25},
               {xc::GgmlType::Q4_K, "Q4_K", 0.25}};
  for (const auto& t : types) {
    spec.type = t.type;
    const std::string path = temp_dir + "/wide-" + t.name + ".gguf";
    write_synth_model(spec, path);
    Session session(path, options());
    const std::vector<float> got = session.forward(session.create(), prompt, true);
    const double error = relative_l2(got.data(), expected.data(), got.size());
    check.expect(error < t.tolerance, std::string(t.name) + " weights ≈ F32 weights",
                 "rel L2 " + number(error) + " (tolerance " + number(t.tolerance) + ")");
    check.expect(std::strcmp(session.info().weight_type, t.name) == 0, std::string(t.name) + " model info weight type",
                 session.info().weight_type);
    // same integer sums in another float order, as below: one activation rounding flip moves a
    // quantized model by ~1e-2 (measured 5e-3 to 1.2e-2), far more than an f32 one
    check_scalar_agrees(check, path, t.name, 2e-2);
    // same integer sums in another float order: 0 to 1e-7, or ~1e-2 after an activation rounding flip;
    // a wrong layout would be O(1)
    check_interleaved_agrees(check, path, t.name, 2e-2);
    // batched and single-token paths sum in different orders; a flipped activation rounding then
    // moves quantized logits by 1e-2 to 3e-2, while a structural bug (position, KV row) moves them by O(1)
    check_consistency(check, path, t.name, 5e-2);
    for (int batch : {3, 8, 13}) check_decode_batch(check, path, t.name, batch, 5e-2);
    // Q6_K: in the Rows16 layout, which only the AVX-512 table uses (its x16 tiles add in another order)
    const bool batch_bits = t.type == xc::GgmlType::Q8_0 || t.type == xc::GgmlType::Q5_0 ||
                            t.type == xc::GgmlType::Q4_0 || t.type == xc::GgmlType::Q4_K ||
                            (t.type == xc::GgmlType::Q6_K && xc::avx512_kernels() != nullptr);
    if (batch_bits) check_stretch_as_decode_rows(check, path, t.name);
    check_sparse_head_argmax(check, path, t.name);
  }

  // A vocabulary that is no multiple of 8 or 16 (the head keeps a layout with a partial last group): the
  // sparse head's last slice ends inside a group of 16 (3 of 64 groups allowed: the sparse path).
  for (const xc::GgmlType type : {xc::GgmlType::Q8_0, xc::GgmlType::Q6_K, xc::GgmlType::Q4_K}) {
    SynthSpec odd = spec;
    odd.type = type, odd.vocab = 1011;
    const std::string name = std::string(xc::ggml_type_name(type)) + " vocab 1011";
    const std::string path = temp_dir + "/odd-vocab-" + xc::ggml_type_name(type) + ".gguf";
    write_synth_model(odd, path);
    check_sparse_head_argmax(check, path, name);
  }

  // SmolLM2's widths (576 rows: 36 groups of 16, bands that do not split evenly in 64s), Q8_0, with and
  // without the post-norms gemma2 adds before each residual add
  for (const char* arch : {"llama", "gemma2"}) {
    SynthSpec smol;
    smol.architecture = arch;
    smol.embedding = 576, smol.heads = 9, smol.kv_heads = 3, smol.feed_forward = 1536, smol.vocab = 320;
    smol.type = xc::GgmlType::Q8_0;
    const std::string path = temp_dir + "/smol-" + arch + "-Q8_0.gguf";
    write_synth_model(smol, path);
    check_threads_agree(check, path, std::string(arch) + " 576-wide Q8_0");
  }

  // rows of 320: two whole interleaved groups and a tail of two ggml blocks, as SmolLM2's 576 has
  for (const auto type : {xc::GgmlType::Q8_0, xc::GgmlType::Q4_0}) {
    SynthSpec tail;
    tail.embedding = 320, tail.heads = 5, tail.kv_heads = 1, tail.feed_forward = 640, tail.vocab = 320, tail.type = type;
    const std::string name = type == xc::GgmlType::Q8_0 ? "Q8_0" : "Q4_0";
    const std::string path = temp_dir + "/tail-" + name + ".gguf";
    write_synth_model(tail, path);
    for (int batch : {4, 8, 16}) check_decode_batch(check, path, name + " rows with a tail", batch, 5e-2);
    for (int batch : {3, 5, 8, 10, 16}) check_forked_decode_batch(check, path, name + " 5 heads per kv head", batch, 5e-2);
  }
}

}  // namespace xch
